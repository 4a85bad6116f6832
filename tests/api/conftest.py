"""Open311 keys and API tokens for the tests of app/api."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from app.accounts.models import Role
from app.api import credentials
from app.extensions import db


@pytest.fixture
def api_key(make):
    """(key, secret) of an Open311 client posting as a resident account of its own."""
    owner = make.user(Role.RESIDENT, display_name="میز ۱۳۷")
    key, secret = credentials.create_api_key(None, "311 desk", owner)
    db.session.commit()
    return key, secret


def bearer_for(user) -> dict:
    """A new API token for that user, as the header that carries it."""
    _token, secret = credentials.create_api_token(user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token_for(app):
    """token_for(user) -> a bearer header for that user."""
    return bearer_for


@pytest.fixture
def live_server(app, factory_indexing):
    """The test's app on a real threaded HTTP server (for clients that speak HTTP, not WSGI; they
    read the index in the server's threads: each factory call writes it at once)."""
    factory_indexing.eager = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # shutdown() waits for the loop to notice, up to one poll (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
