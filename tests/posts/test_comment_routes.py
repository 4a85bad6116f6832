"""Comments through the web: with htmx the section updates in place; without it, the page reloads."""

from __future__ import annotations

import re

from app.accounts.models import Role
from app.extensions import db
from app.posts.models import PostStatus

HTMX = {"HX-Request": "true"}


def test_with_htmx_a_comment_comes_back_in_the_section_and_is_focused(client, make, auth):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": "من هم دیدم؛ خطرناک است."}, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="comments"' in html
    assert "من هم دیدم؛ خطرناک است." in html and "data-focus-after-swap" in html
    assert "۱ دیدگاه" in html
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*</textarea>', html)  # an empty form for the next one


def test_with_htmx_a_bad_comment_comes_back_with_its_message_and_text(client, make, auth):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": "x" * 2001}, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and "x" * 2001 in html
    assert "دیدگاه باید بین ۲ تا ۲۰۰۰ نویسه باشد." in html


def test_without_htmx_a_bad_comment_shows_the_page_again_with_the_text(client, make, auth):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": " "})
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)


def test_without_htmx_a_comment_redirects_to_itself(client, make, auth):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": "درست است."})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]


def test_a_reply_link_opens_the_form_as_a_reply(client, make, auth):
    post = make.post(PostStatus.PUBLISHED)
    comment = make.comment(post)
    auth.login(make.user())
    html = client.get(f"/posts/{post.id}?reply={comment.id}").get_data(as_text=True)
    assert f'name="parent_id" value="{comment.id}"' in html
    assert comment.author.display_name in html


def test_a_reply_to_a_comment_elsewhere_is_ignored(client, make, auth):
    post, other = make.post(PostStatus.PUBLISHED), make.post(PostStatus.PUBLISHED)
    comment = make.comment(other)
    auth.login(make.user())
    for reply in (comment.id, "abc", "۹۹۹"):
        html = client.get(f"/posts/{post.id}?reply={reply}").get_data(as_text=True)
        assert 'name="parent_id"' not in html


def test_replies_stay_when_their_comment_is_hidden_and_the_count_matches_what_is_shown(client, make):
    from app.moderation import flags
    from app.moderation.models import FlagReason

    post = make.post()
    parent = make.comment(post, body="متنی که ناظر پنهان می‌کند")
    make.comment(post, body="پاسخی که باید بماند", parent=parent)
    make.comment(post, body="دیدگاه دیگری که می‌ماند")
    flags.uphold(make.user(Role.MODERATOR), parent, FlagReason.OFFENSIVE)
    db.session.commit()
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "پاسخی که باید بماند" in page and "دیدگاه دیگری که می‌ماند" in page
    assert "متنی که ناظر پنهان می‌کند" not in page
    db.session.refresh(post)
    shown = page.count('class="comment"')
    assert post.comment_count == shown == 2
    assert "۲ دیدگاه" in page
