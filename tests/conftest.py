"""Fixtures in flaskr's shape: app, client, runner, auth; plus factories for every model."""

from __future__ import annotations

import contextvars
import os

import pytest
from flask import has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.core.cache import ensure_generation_row
from app.extensions import db
from tests import factories


def _database_url(tmp_path) -> str:
    """PostgreSQL when DATABASE_URL is set (CI runs the suite on both), else a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Settings of the app under test; a test may change them before asking for `app`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server does: its own app context, `g` and
    database session, never the test's (which would hide stale caches and identity maps)."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()  # end the test's read snapshot: it sees what the request committed
        return response


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_generation_row()
        db.session.commit()
    ctx = app.app_context()
    ctx.push()
    yield app
    app.extensions["search_store"].close()  # the index's open files (a ResourceWarning otherwise)
    db.session.remove()
    db.drop_all()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories bound to the app: make.user(role=…), make.post(status=…), …"""
    return factories.Factories()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = factories.PASSWORD):
        response = self._client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.status_code
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as statements:` collects the SQL statements the block runs (requests
    through `client` included: they share the engine), so a test can pin how many a page needs."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, _parameters, _context, _executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
