"""The `app` fixture hands a test the app of the test before (one per set of settings, per process:
tests/conftest.py `_KeptApp`), as it was built: nothing a test leaves on it reaches the next test.

The tests come in pairs that run in this order in one process (one xdist group): the first leaves
things behind, the second checks that they are gone. Run alone, a second test still checks a fresh
app; the identity checks need the pair.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.posts.models import Post, PostStatus
from tests.accounts.test_reset import ask

pytestmark = pytest.mark.xdist_group("kept-app")

_left: dict = {}


def _a_post_on_the_front_page(client, make, title: str) -> str:
    make.post(PostStatus.PUBLISHED, title=title)
    return client.get("/").get_data(as_text=True)


def test_a_test_leaves_settings_rows_files_caches_and_counts_behind(app, client, make):
    _left["app"] = app
    app.config["RESET_RATE_LIMIT"] = "2 per hour"
    assert [ask(client, f"person{n}@example.org").status_code for n in range(3)] == [302, 302, 429]
    app.config["POSTS_PER_PAGE"], app.config["LEFT_BEHIND"] = 1, True
    assert "چاله‌ی پیشین پر شد" in _a_post_on_the_front_page(client, make, "چاله‌ی پیشین پر شد")
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    (Path(app.config["UPLOAD_DIR"]) / "left.jpg").write_bytes(b"\xff\xd8")
    assert Path(app.config["SEARCH_INDEX_DIR"]).exists()
    assert "shahrvand_page_cache" in app.extensions


def test_the_next_test_gets_that_app_as_it_was_built(app, client, make):
    assert app is _left.get("app", app)
    assert app.config["POSTS_PER_PAGE"] == 20 and app.config["RESET_RATE_LIMIT"] == "10 per hour"
    assert "LEFT_BEHIND" not in app.config
    assert db.session.scalar(select(func.count(Post.id))) == 0
    assert not Path(app.config["SEARCH_INDEX_DIR"]).exists() and not Path(app.config["UPLOAD_DIR"]).exists()
    assert "shahrvand_page_cache" not in app.extensions
    # The same steps as before (so the same site generation): the front page is this test's own.
    page = _a_post_on_the_front_page(client, make, "چراغ تازه روشن شد")
    assert "چراغ تازه روشن شد" in page and "چاله‌ی پیشین پر شد" not in page
    app.config["RESET_RATE_LIMIT"] = "2 per hour"
    assert [ask(client, f"person{n}@example.org").status_code for n in range(3)] == [302, 302, 429]


def test_a_test_changes_the_app_for_good(app):
    _left["changed"] = app
    app.jinja_env.globals["left_behind"] = True
    app.config["WTF_CSRF_HEADERS"].append("X-Left-Behind")


def test_an_app_changed_for_good_is_built_again(app):
    assert app is not _left.get("changed")
    assert "left_behind" not in app.jinja_env.globals
    assert app.config["WTF_CSRF_HEADERS"] == ["X-CSRFToken", "X-CSRF-Token"]
