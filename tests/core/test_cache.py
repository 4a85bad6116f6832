"""Visitor pages are served from the cache until something public changes, and never stale after."""
import re

from app.core.cache import page_cache
from app.posts.votes import SUPPORT, cast_vote
from app.extensions import db


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


def test_each_visitor_gets_their_own_csrf_token(app, make):
    post = make.post()
    tokens = set()
    for _ in range(2):
        page = app.test_client().get(f"/posts/{post.id}").get_data(as_text=True)
        tokens.update(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert len(tokens) == 2


def test_signed_in_pages_and_languages_are_not_mixed(client, make, auth):
    post = make.post()
    visitor_page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    english = client.get(f"/posts/{post.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fa"' in visitor_page and 'lang="en"' in english
    user = make.user()
    auth.login(user)
    assert user.display_name in client.get(f"/posts/{post.id}").get_data(as_text=True)
