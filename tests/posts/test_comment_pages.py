"""Long threads come in pages: a post page's cost does not grow with its thread, and a link to a
comment always lands on the page that shows it."""

from __future__ import annotations

import re

import pytest

from app.posts.models import PostStatus


@pytest.fixture
def app_config(app_config):
    return app_config | {"COMMENTS_PER_PAGE": 3}


def _thread(make, post, count: int) -> list:
    return [make.comment(post, body=f"دیدگاه شماره‌ی {n} در این گفتگو") for n in range(1, count + 1)]


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="comment" id="comment-(\d+)"', html)]


def test_the_thread_shows_one_page_of_comments_at_a_time_oldest_first(client, make):
    post = make.post()
    comments = _thread(make, post, 7)
    first = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert _shown(first) == [c.id for c in comments[:3]]
    assert f"/posts/{post.id}?comment_page=2#comments" in first
    last = client.get(f"/posts/{post.id}?comment_page=3").get_data(as_text=True)
    assert _shown(last) == [comments[6].id]


def test_newest_first_starts_with_the_latest_comment(client, make):
    post = make.post()
    comments = _thread(make, post, 4)
    html = client.get(f"/posts/{post.id}?comments=newest").get_data(as_text=True)
    assert _shown(html) == [c.id for c in reversed(comments[1:])]


def test_replies_come_with_their_comment_on_its_page(client, make):
    post = make.post()
    comments = _thread(make, post, 4)
    reply = make.comment(post, parent=comments[0], body="پاسخی به نخستین دیدگاه")
    html = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert reply.id in _shown(html)
    assert reply.id not in _shown(client.get(f"/posts/{post.id}?comment_page=2").get_data(as_text=True))


def test_a_link_to_a_comment_lands_on_its_page_at_the_comment(client, make):
    post = make.post()
    comments = _thread(make, post, 7)
    reply = make.comment(post, parent=comments[4], body="پاسخی در صفحه‌ی دوم")
    for comment, page in ((comments[0], None), (comments[6], 3), (reply, 2)):
        response = client.get(f"/posts/{post.id}/comments/{comment.id}")
        assert response.status_code == 302
        expected = f"/posts/{post.id}" + (f"?comment_page={page}" if page else "") + f"#comment-{comment.id}"
        assert response.headers["Location"] == expected
        assert comment.id in _shown(client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True))


def test_a_link_to_a_comment_of_another_post_or_of_a_hidden_post_is_not_found(client, make):
    post, other = make.post(), make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    comment = make.comment(other)
    assert client.get(f"/posts/{post.id}/comments/{comment.id}").status_code == 404
    assert client.get(f"/posts/{other.id}/comments/99999").status_code == 404
    pending = make.post(PostStatus.PENDING)
    assert client.get(f"/posts/{pending.id}/comments/{comment.id}").status_code == 404


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999999999999", "2.5", ""])
def test_odd_comment_page_numbers_never_break_the_page(client, make, value):
    post = make.post()
    _thread(make, post, 4)
    response = client.get(f"/posts/{post.id}?comment_page={value}&comments={value}")
    assert response.status_code == 200


def test_a_page_past_the_end_says_so_and_links_back(client, make):
    post = make.post()
    _thread(make, post, 2)
    html = client.get(f"/posts/{post.id}?comment_page=50").get_data(as_text=True)
    assert _shown(html) == [] and f'href="/posts/{post.id}#comments"' in html


def test_a_new_comment_without_javascript_goes_to_its_page(client, make, auth):
    post = make.post()
    _thread(make, post, 3)
    auth.login(make.user())
    response = client.post(f"/posts/{post.id}/comments", data={"body": "دیدگاه چهارم که به صفحه‌ی دوم می‌رود"})
    assert response.status_code == 302
    assert re.fullmatch(rf"/posts/{post.id}\?comment_page=2#comment-\d+", response.headers["Location"])


def test_with_htmx_a_new_comment_comes_back_on_its_page(client, make, auth):
    post = make.post()
    _thread(make, post, 3)
    auth.login(make.user())
    response = client.post(
        f"/posts/{post.id}/comments", data={"body": "دیدگاه چهارم با htmx"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "دیدگاه چهارم با htmx" in response.get_data(as_text=True)
