"""Each test gets an app as it was built, although the app is kept from one test to the next (one per
set of settings, per process: tests/conftest.py `app_under_test`), and a world built once as it was
built (`keep_world`). Each test here takes an app twice, as two tests in a row would: what the first
use leaves behind must not reach the second.
"""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.posts.models import Comment, Post, PostStatus
from tests import conftest
from tests.browser.helpers import staged_photo
from tests.conftest import _database_url, app_under_test, keep_world
from tests.factories import Factories

BEFORE, AFTER = "چاله‌ی پیشین پر شد", "چراغ تازه روشن شد"


def _ask_for_resets(client) -> list[int]:
    return [client.post("/forgot-password", data={"email": f"person{n}@example.org"}).status_code for n in range(3)]


def _front_page_with_a_post(app, title: str) -> str:
    Factories().post(PostStatus.PUBLISHED, title=title)
    return app.test_client().get("/").get_data(as_text=True)


@pytest.fixture
def take(app_config, _schema, _app_home):
    """app_under_test with this test's settings: each `with take() as app:` is what one test would get."""
    return functools.partial(app_under_test, app_config, _schema, _app_home)


@pytest.fixture
def own_worlds(monkeypatch):
    """No world kept by the tests before, and none left for the tests after (nor their folders): the
    builds a test counts are its own, and a world stamped by a test's clock goes with it."""
    worlds: dict = {}
    monkeypatch.setattr(conftest, "_KEPT_WORLDS", worlds)
    yield
    for folder, _flat, _built in worlds.values():
        shutil.rmtree(folder, ignore_errors=True)


def test_settings_rows_files_caches_and_counts_do_not_reach_the_next_test(take):
    with take() as first:
        first.config["RESET_RATE_LIMIT"] = "2 per hour"
        assert _ask_for_resets(first.test_client()) == [302, 302, 429]
        first.config["POSTS_PER_PAGE"], first.config["LEFT_BEHIND"] = 1, True
        assert BEFORE in _front_page_with_a_post(first, BEFORE)
        Path(first.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
        (Path(first.config["UPLOAD_DIR"]) / "left.jpg").write_bytes(b"\xff\xd8")
        assert Path(first.config["SEARCH_INDEX_DIR"]).exists() and "shahrvand_page_cache" in first.extensions

    with take() as second:
        assert second is first
        assert second.config["POSTS_PER_PAGE"] == 20 and second.config["RESET_RATE_LIMIT"] == "10 per hour"
        assert "LEFT_BEHIND" not in second.config
        assert db.session.scalar(select(func.count(Post.id))) == 0
        assert not Path(second.config["SEARCH_INDEX_DIR"]).exists() and not Path(second.config["UPLOAD_DIR"]).exists()
        assert "shahrvand_page_cache" not in second.extensions
        # The same steps as before (so the same site generation): the front page is this test's own.
        page = _front_page_with_a_post(second, AFTER)
        assert AFTER in page and BEFORE not in page
        second.config["RESET_RATE_LIMIT"] = "2 per hour"
        assert _ask_for_resets(second.test_client()) == [302, 302, 429]


def test_the_rate_limiter_is_set_up_again_for_the_kept_app(take, app_config):
    with take() as first:
        pass
    other = create_app(app_config | {"RATELIMIT_ENABLED": False})  # sets the shared limiter up for itself
    other.extensions["search_store"].close()
    with take() as second:
        assert second is first
        second.config["RESET_RATE_LIMIT"] = "2 per hour"
        assert _ask_for_resets(second.test_client()) == [302, 302, 429]


def test_a_kept_app_still_takes_set_up_methods(take):
    with take() as first:
        assert first.test_client().get("/healthz").status_code == 200  # it has served a request
    with take() as second:
        second.add_url_rule("/left-behind", "left_behind", lambda: "here")
        assert second.test_client().get("/left-behind").get_data(as_text=True) == "here"
    with take() as third:
        assert third is not second and third.test_client().get("/left-behind").status_code == 404


def test_an_app_given_another_template_global_is_built_again(take):
    with take() as first:
        first.jinja_env.globals["url_for"] = lambda *args, **kwargs: "/elsewhere"  # put in another's place
    with take() as second:
        assert second is not first and second.jinja_env.globals["url_for"] is not first.jinja_env.globals["url_for"]


def test_an_app_whose_setting_changed_in_place_is_built_again(take):
    with take() as first:
        first.config["WTF_CSRF_HEADERS"].append("X-Left-Behind")
    with take() as second:
        assert second is not first and second.config["WTF_CSRF_HEADERS"] == ["X-CSRFToken", "X-CSRF-Token"]


BUILDS: list[str] = []  # one entry for each time a world of this file is built


def _world_with_a_photo(make) -> dict:
    BUILDS.append("photo")
    author = make.user()
    post = make.post(PostStatus.PUBLISHED, author=author, title=BEFORE, photos=[staged_photo(author)])
    comments = [make.comment(post)]
    return {"post": post, "comments": comments, "ids": (post.id, author.id), "visitor": AnonymousUserMixin()}


def _world_of_one_post(make) -> dict:
    BUILDS.append("one post")
    return {"post": make.post(PostStatus.PUBLISHED, title=BEFORE)}


def _files(app) -> list[str]:
    return sorted(str(path) for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file())


def _found(app, words: str) -> set[int]:
    """The posts the search page lists for these words."""
    page = app.test_client().get(f"/search?q={words}").get_data(as_text=True)
    return {int(post_id) for post_id in re.findall(r'href="/posts/(\d+)"', page)}


@pytest.mark.skipif(
    (_database_url() or "sqlite").startswith("postgresql"), reason="on PostgreSQL every test builds its world"
)
def test_a_kept_world_comes_back_as_it_was_built_whatever_the_test_before_did(
    take, app_config, _schema, _app_home, own_worlds
):
    keep = functools.partial(keep_world, app_config=app_config, schema=_schema, home=_app_home)
    BUILDS.clear()
    with take() as first:
        world = keep(_world_with_a_photo, first)  # built here
        assert BUILDS == ["photo"]
        post_id, author_id = world["ids"]
        photo_files = _files(first)
        assert photo_files and _found(first, "چاله") == {post_id}
        # What a test may do to its world: rows added and deleted, files removed, the index written.
        added = Factories().post(PostStatus.PUBLISHED, title=AFTER).id
        db.session.delete(world["comments"][0])
        db.session.commit()
        for path in photo_files:
            Path(path).unlink()
        assert _found(first, "چراغ") == {added}

    with take() as second:
        world = keep(_world_with_a_photo, second)  # copied back, not built again
        assert BUILDS == ["photo"]
        assert world["ids"] == (post_id, author_id) and isinstance(world["visitor"], AnonymousUserMixin)
        assert (world["post"].id, world["post"].author.id, world["post"].title) == (post_id, author_id, BEFORE)
        assert world["post"] in db.session and world["comments"][0] in db.session
        assert db.session.scalar(select(func.count(Post.id))) == 1
        assert db.session.scalar(select(func.count(Comment.id))) == 1
        assert _files(second) == photo_files
        assert _found(second, "چاله") == {post_id} and _found(second, "چراغ") == set()
        page = second.test_client().get(f"/posts/{post_id}").get_data(as_text=True)
        photo = re.search(r'src="(/photos/\d+/(?:thumb|full))"', page)
        assert photo
        with second.test_client().get(photo.group(1)) as response:
            assert response.status_code == 200 and response.mimetype == "image/jpeg"
        # The world is this test's own: it goes on from there.
        added = Factories().post(PostStatus.PUBLISHED, title=AFTER).id
        assert added == post_id + 1 and _found(second, "چراغ") == {added}


@pytest.mark.skipif(
    (_database_url() or "sqlite").startswith("postgresql"), reason="on PostgreSQL every test builds its world"
)
def test_a_kept_world_is_built_again_once_it_is_older_than_its_limit(
    take, app_config, _schema, _app_home, own_worlds, monkeypatch
):
    keep = functools.partial(keep_world, app_config=app_config, schema=_schema, home=_app_home)
    now = [1000.0]
    monkeypatch.setattr(conftest, "_world_clock", lambda: now[0])
    BUILDS.clear()
    with take() as app:
        keep(_world_of_one_post, app)
    now[0] += conftest.WORLD_MAX_AGE
    with take() as app:
        keep(_world_of_one_post, app)  # just as old as it may be: copied back
    assert BUILDS == ["one post"]
    now[0] += 0.5
    with take() as app:
        world = keep(_world_of_one_post, app)  # older: built again, and kept from now on
        assert world["post"].title == BEFORE and db.session.scalar(select(func.count(Post.id))) == 1
    with take() as app:
        keep(_world_of_one_post, app)
    assert BUILDS == ["one post", "one post"]


def test_a_world_with_something_that_cannot_be_kept_is_refused(take, app_config, _schema, _app_home):
    def build(make):
        return {"post": make.post(), "connection": db.engine}

    with take() as app, pytest.raises(TypeError, match="not Engine"):
        keep_world(build, app, app_config, _schema, _app_home)


def test_a_world_asked_for_after_rows_were_made_is_refused(take, app_config, _schema, _app_home):
    with take() as app:
        Factories().user()
        with pytest.raises(AssertionError, match="before anything is made"):
            keep_world(_world_with_a_photo, app, app_config, _schema, _app_home)
