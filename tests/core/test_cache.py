"""Visitor pages are served from the cache until something public changes, and never stale after."""

from app.core.cache import page_cache
from app.extensions import db
from app.posts.votes import SUPPORT, cast_vote


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


def test_visitor_pages_need_no_session_and_set_no_cookie(client, make):
    post = make.post()
    response = client.get(f"/posts/{post.id}")
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_a_page_showing_a_flash_message_is_not_cached(client, make):
    post = make.post()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "پیامی فقط برای همین بازدیدکننده")]
    assert "پیامی فقط برای همین" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "پیامی فقط برای همین" not in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "پیامی فقط برای همین" not in make_client_page(client, post)


def make_client_page(client, post) -> str:
    return client.application.test_client().get(f"/posts/{post.id}").get_data(as_text=True)


def test_signed_in_pages_and_languages_are_not_mixed(client, make, auth):
    post = make.post()
    visitor_page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    english = client.get(f"/posts/{post.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fa"' in visitor_page and 'lang="en"' in english
    user = make.user()
    auth.login(user)
    assert user.display_name in client.get(f"/posts/{post.id}").get_data(as_text=True)
