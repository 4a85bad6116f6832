"""An author's own post after approval, in a real browser: she corrects it, a moderator compares the
versions and marks the edit reviewed, then she withdraws it after a confirmation, and it leaves the
public while its timeline stays; she finds what she follows on its own page."""

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.extensions import db
from app.posts.models import PostStatus
from app.posts.services import edit_post
from tests.browser.helpers import sign_in, use_language
from tests.browser.test_accessibility import _visit

ADDED = "دو خودرو هم در آن آسیب دیده‌اند."
WHY = "شهرداری منطقه دیروز چاله را پر کرد."


def test_an_author_edits_after_approval_a_moderator_compares_then_she_withdraws(page: Page, make, screenshot):
    author = make.user(display_name="مریم")
    post = make.post(author=author)
    moderator = make.user(Role.MODERATOR)
    post_url = f"/posts/{post.id}"

    # She corrects her published post: it stays public and its timeline says it was edited.
    sign_in(page, author.email)
    page.goto(post_url)
    page.locator(".author-tools").get_by_role("link", name="ویرایش").click()
    expect(page.locator(".edit-published-notice")).to_be_visible()
    expect(page.get_by_label("دسته")).to_have_count(0)
    page.get_by_label("شرح").fill(f"{post.body} {ADDED}")
    page.get_by_role("button", name="ذخیره‌ی تغییرات").click()
    expect(page.locator(".post-body")).to_contain_text(ADDED)
    expect(page.locator(".timeline-edit")).to_contain_text("ویرایش به دست نویسنده")

    # A moderator finds the edit in the "edited" tab and compares it with the version before.
    sign_in(page, moderator.email, switch_user=True)
    page.goto("/moderation/edited")
    page.locator(".edited-post").get_by_role("link", name=post.title).click()
    expect(page.locator(".post-version ins")).to_contain_text(ADDED)
    screenshot("moderation-versions-fa")
    page.get_by_role("button", name="بررسی شد").click()
    expect(page.get_by_text("ویرایش‌ها بررسی‌شده علامت خوردند")).to_be_visible()
    page.goto("/moderation/edited")
    expect(page.get_by_text("هیچ ویرایشی در انتظار بررسی نیست")).to_be_visible()

    # She withdraws it: a confirmation first, then the timeline records it and the public loses it.
    sign_in(page, author.email, switch_user=True)
    page.goto(post_url)
    page.get_by_role("link", name="پس گرفتن").click()
    expect(page.get_by_text("پس گرفتن قطعی است")).to_be_visible()
    screenshot("withdraw-confirm-fa")
    page.get_by_label("چرا؟").fill(WHY)
    page.get_by_role("button", name="پستم را پس می‌گیرم").click()
    expect(page.get_by_text("نویسنده این پست را پس گرفته است")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(WHY)
    expect(page.locator(".author-tools")).to_have_count(0)

    # Her followed posts list it, withdrawn, from the menu.
    page.get_by_role("button", name="مریم").click()
    page.get_by_role("link", name="پست‌هایی که دنبال می‌کنم").click()
    expect(page.locator(".followed-post", has_text=post.title)).to_contain_text("پس‌گرفته به دست نویسنده")

    page.context.clear_cookies()
    response = page.goto(post_url)
    assert response.status == 404
    page.goto("/posts")
    expect(page.get_by_text(post.title)).to_have_count(0)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_pages_of_editing_withdrawing_and_following_pass_axe(page: Page, make, axe, screenshot, base_url, language):
    author = make.user(display_name="مریم")
    post, empty_handed = make.post(PostStatus.FORWARDED, author=author), make.user()
    edit_post(post, title=post.title, body=f"{post.body} {ADDED}", category=post.category, editor=author)
    db.session.commit()
    use_language(page, base_url, language)
    pages = {
        author: [
            ("edit-published-post", f"/posts/{post.id}/edit"),
            ("withdraw-confirm", f"/posts/{post.id}/withdraw"),
            ("posts-i-follow", "/following/posts"),
        ],
        empty_handed: [("posts-i-follow-empty", "/following/posts")],
        make.user(Role.MODERATOR): [
            ("moderation-edited", "/moderation/edited"),
            ("post-versions", f"/moderation/posts/{post.id}/versions"),
        ],
    }
    for user, visits in pages.items():
        use_language(page, base_url, language)
        sign_in(page, user.email, language, switch_user=True)
        for name, path in visits:
            _visit(page, path, name, language, axe, screenshot)
