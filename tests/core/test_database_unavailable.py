"""The database going away (stopped, unreachable, a locked SQLite file) is a translated 503, never a
500, and the app recovers by itself when the database is back."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.extensions import db
from app.posts.models import Vote

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="moves and locks a SQLite file")


@pytest.fixture
def app_config(app_config, tmp_path):
    (tmp_path / "db").mkdir()
    return app_config | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db' / 'test.sqlite3'}",
        "SQLITE_BUSY_TIMEOUT_MS": 200,
    }


def test_a_locked_sqlite_file_is_a_translated_503_and_the_next_try_succeeds(app, client, auth, make):
    post, resident = make.post(), make.user()
    auth.login(resident)
    path = Path(db.engine.url.database)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for longer than the busy timeout
    try:
        response = client.post(f"/posts/{post.id}/vote", data={"value": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "پایگاه داده" in page and "Traceback" not in page  # Persian, the default language
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 302
    assert db.session.query(Vote).filter_by(post_id=post.id).count() == 1


def test_an_unreachable_database_is_a_503_in_english_too_and_pages_come_back_with_it(app, client, make):
    post_id = make.post().id
    assert client.get(f"/posts/{post_id}").status_code == 200
    folder = Path(db.engine.url.database).parent
    folder.rename(folder.with_name("away"))  # the database cannot be opened: a server stopped
    db.session.remove()
    db.engine.dispose()
    client.set_cookie("lang", "en")
    try:
        for path in ("/", f"/posts/{post_id}", "/search?q=x", "/statistics"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert "cannot reach its database" in response.get_data(as_text=True)
    finally:
        folder.with_name("away").rename(folder)
    assert client.get(f"/posts/{post_id}").status_code == 200  # no restart needed
    assert client.get("/").status_code == 200
