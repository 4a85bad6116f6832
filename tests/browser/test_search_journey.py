"""Search and duplicate finding in a real browser, in Persian."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.extensions import db
from app.posts.models import Post, PostStatus
from tests.browser.helpers import SHRINE, sign_in

TITLE = "آلودگی‌های هوای میدان شهدا در ساعت‌های شلوغ"
BODY = "دود اتوبوس‌های کهنه‌ی کنار میدان شهدا هوای کوچه‌ی کناری را آلوده کرده است."


def test_another_resident_finds_a_post_typed_with_other_letters_and_no_zwnj(page: Page, make, screenshot):
    wanted = make.post(PostStatus.PUBLISHED, title=TITLE, body=BODY)
    make.post(PostStatus.PUBLISHED, title="چاله‌ی عمیق در بلوار وکیل‌آباد", body="چاله‌ای وسط بلوار هست که خطرناک است.")
    sign_in(page, make.user().email)
    page.goto("/")
    page.get_by_role("link", name="جستجو").click()
    # Typed on an Arabic keyboard layout (ي, ك), with a space where the post has a ZWNJ.
    page.get_by_label("دنبال چه می‌گردید؟").fill("آلودگي هاي هوا كوچه")
    page.get_by_role("button", name="جستجو").click()
    expect(page.get_by_role("heading", name="۱ پست پیدا شد")).to_be_visible()
    hit = page.locator(f"#hit-{wanted.id}")
    expect(hit).to_contain_text("میدان شهدا")
    expect(hit.locator("mark").first).to_have_text("آلودگی‌های")  # the word as its writer typed it
    screenshot("search-results-fa")
    hit.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_similar_posts_appear_while_typing_and_support_keeps_the_draft(page: Page, make, screenshot):
    existing = make.post(
        PostStatus.PUBLISHED, title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=BODY, address="ایستگاه حرم", **SHRINE
    )
    sign_in(page, make.user().email)
    page.goto("/posts/new")
    title = page.get_by_label("عنوان")
    title.press_sequentially("چاله جلوی ایستگاه اتوبوس", delay=20)
    suggestion = page.locator(f'#similar-posts [data-post-id="{existing.id}"]')
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("منتشرشده")
    expect(title).to_be_focused()  # the suggestions never take the focus from the writer
    screenshot("similar-while-typing-fa")
    suggestion.get_by_role("button", name="به جای آن، از این حمایت کنید").click()
    expect(suggestion.get_by_role("status")).to_contain_text("از این پست حمایت می‌کنید")
    expect(title).to_have_value("چاله جلوی ایستگاه اتوبوس")  # the draft is still there
    db.session.rollback()
    assert db.session.get(Post, existing.id).up_count == 1


def test_without_javascript_a_near_duplicate_is_shown_before_posting_and_can_be_posted_anyway(
    new_context, make, screenshot
):
    existing = make.post(
        PostStatus.PUBLISHED, title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=BODY, address="ایستگاه حرم", **SHRINE
    )
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, make.user().email)
    page.goto("/posts/new")
    page.get_by_label("عنوان").fill("چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم")
    page.get_by_label("شرح").fill(BODY)
    page.get_by_label("دسته").select_option(label=existing.category.name_fa)
    page.locator("details.coordinates summary").click()
    page.get_by_label("عرض جغرافیایی").fill("۳۶٫۲۸۸۰۵")
    page.get_by_label("طول جغرافیایی").fill("۵۹٫۶۱۵۷۵")
    page.get_by_role("button", name="ارسال برای بررسی").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("آیا این پیش‌تر گزارش شده است؟")
    expect(page.get_by_role("link", name=existing.title)).to_be_visible()
    screenshot("duplicate-check-fa", of=page)
    page.get_by_role("button", name="نه، مال من فرق دارد: بفرستش").click()
    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()
    db.session.rollback()
    mine = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
    assert mine.id != existing.id and mine.body == BODY and round(mine.latitude, 5) == 36.28805
