"""Visitor pages are served from the cache until something public changes, and never stale after."""

import pytest

from app.accounts.services import start_session
from app.core.cache import page_cache
from app.extensions import db
from app.posts.votes import SUPPORT, cast_vote


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}  # as in production: forms would want a session


def test_a_visitor_page_is_rendered_once_per_generation(client, make, app):
    post = make.post()
    first = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert len(page_cache()._pages) == 1
    second = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert first == second


def test_a_vote_shows_at_once_on_the_cached_page(client, make):
    post = make.post()
    assert 'class="vote-number">0<' in client.get(f"/posts/{post.id}").get_data(as_text=True).replace("۰", "0")
    cast_vote(make.user(), post, SUPPORT)
    db.session.commit()
    assert 'class="vote-number">1<' in client.get(f"/posts/{post.id}").get_data(as_text=True).replace("۱", "1")


def test_a_new_comment_and_a_renamed_author_show_at_once(client, make):
    post = make.post()
    client.get(f"/posts/{post.id}")
    make.comment(post, body="دیدگاه تازه پس از ذخیره")
    assert "دیدگاه تازه پس از ذخیره" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    post.author.display_name = "نام تازه‌ی نویسنده"
    db.session.commit()
    assert "نام تازه‌ی نویسنده" in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_approval_puts_the_post_on_the_cached_list(client, make):
    from app.posts.models import PostStatus

    post = make.post(PostStatus.PENDING, title="به‌زودی در فهرست")
    assert post.title not in client.get("/posts").get_data(as_text=True)
    make.move(post, PostStatus.PUBLISHED)
    assert post.title in client.get("/posts").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/posts", "/posts/{id}", "/posts?kind=idea&sort=newest"])
def test_visitor_pages_need_no_session_and_are_cached(client, make, path):
    post = make.post()
    make.comment(post)
    response = client.get(path.format(id=post.id))
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf_token"' not in response.get_data(as_text=True)
    assert len(page_cache()._pages) == 1


def test_a_page_showing_a_flash_message_is_not_cached(client, make):
    post = make.post()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "پیامی فقط برای همین بازدیدکننده")]
    assert "پیامی فقط برای همین" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "پیامی فقط برای همین" not in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "پیامی فقط برای همین" not in make_client_page(client, post)


def make_client_page(client, post) -> str:
    return client.application.test_client().get(f"/posts/{post.id}").get_data(as_text=True)


def test_languages_are_cached_apart(client, make):
    post = make.post()
    visitor_page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    english_browser = client.application.test_client()
    english_browser.set_cookie("lang", "en")
    english = english_browser.get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'lang="fa"' in visitor_page and 'lang="en"' in english


def test_pages_that_offer_english_are_cached_apart(client, make):
    post = make.post()
    plain = client.get(f"/posts/{post.id}").get_data(as_text=True)
    offered = client.get(f"/posts/{post.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    again = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "This site is also in English." in offered
    assert "This site is also in English." not in plain and again == plain


def test_signed_in_users_get_their_own_page(client, make, app):
    post = make.post()
    client.get(f"/posts/{post.id}")
    user = make.user()
    start_session(user)
    db.session.commit()
    with client.session_transaction() as session:  # signed in, as Flask-Login records it
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert user.display_name in page and 'name="csrf_token"' in page
