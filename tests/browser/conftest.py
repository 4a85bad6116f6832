"""Browser tests: the app served on a free local port, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(SYSTEM_CHROMIUM):
        pytest.fail(f"{SYSTEM_CHROMIUM} is missing: run `make browser-deps` (make test does it)")
    return {**browser_type_launch_args, "executable_path": SYSTEM_CHROMIUM, "args": CHROMIUM_ARGS}


class _CurrentApp:
    """A WSGI app that forwards to the app of the running test (the server lives for the session)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def _server():
    dispatcher = _CurrentApp()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield dispatcher, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(_server):
    # Overriding base_url is also what keeps pytest-playwright quiet under filterwarnings=error.
    return _server[1]


@pytest.fixture(autouse=True)
def live_server(app, _server):
    """Serve this test's app on the session's real threaded HTTP server."""
    _server[0].app = app
    yield _server[1]
    _server[0].app = None


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fa-IR", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ for reviewers."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
