"""Browser tests: the app served on a free local port, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
from werkzeug.serving import make_server

from app.core.static_files import version_of
from tests.browser.helpers import IN_FLIGHT

# Debian's build of Chromium's headless shell: the same Blink and V8 as the browser, without the
# browser's own interface (what Playwright itself runs for headless Chromium); about a third less CPU
# for the same tests than the full browser in headless mode.
SYSTEM_CHROMIUM = "/usr/bin/chromium-headless-shell"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Offline: every request off this machine goes to a proxy nobody listens on and fails at once
    # (Chromium never sends loopback addresses through a proxy). Routing requests through Playwright
    # would do the same, but it turns the browser's cache off: every page would fetch its styles,
    # scripts and fonts again.
    "--proxy-server=http://127.0.0.1:9",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Tiles from a port nobody listens on: every map test runs the "tiles cannot load" path, offline.
UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # A file's tests stay together in one xdist worker (`--dist loadgroup`), and the files
            # spread over the workers: each worker starts its own Chromium and server once.
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.module.__name__}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(SYSTEM_CHROMIUM):
        pytest.fail(f"{SYSTEM_CHROMIUM} is missing: run `make browser-deps` (make test does it)")
    return {**browser_type_launch_args, "executable_path": SYSTEM_CHROMIUM, "args": CHROMIUM_ARGS}


class _CurrentApp:
    """A WSGI app that forwards to the app of the running test (the server lives for the session).

    A test's app is torn down (its database emptied, its engine closed) only after every request it
    was serving has finished: `detach()` waits for them. A request still running while its app's
    tables went away failed in `after_request` (the language needs the signed-in user, a query), and
    Flask then drops the response unclosed: for a static file, an open file that the garbage
    collector later reports as a ResourceWarning in whichever test is running.
    """

    def __init__(self):
        self.app = None
        self._busy = 0
        self._idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self._idle:
            app = self.app
            self._busy += app is not None
        if app is None:  # between two tests: the page that asked belongs to a finished test
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no test is running"]
        try:
            # Buffer the body and close the app's iterator here: Werkzeug's server closes it only
            # after draining the socket, which raises when the browser has already gone (a
            # navigation that cancels a photo or script download).
            iterable = app(environ, start_response)
            try:
                return [b"".join(iterable)]
            finally:
                if hasattr(iterable, "close"):
                    iterable.close()
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def attach(self, app) -> None:
        with self._idle:
            self.app = app

    def detach(self, timeout: float = 30) -> None:
        """Stop handing requests to the test's app, and wait for those it is still serving."""
        with self._idle:
            self.app = None
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                pytest.fail(f"the test server still serves {self._busy} request(s) after {timeout} s")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAP_TILE_URL": UNREACHABLE_TILES}


@pytest.fixture(autouse=True)
def _requests_in_flight(context):
    """What `settle()` waits on: the requests each context has sent and not yet seen end."""
    pending = IN_FLIGHT[context] = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    yield
    IN_FLIGHT.pop(context, None)


def is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture(autouse=True)
def csp_violations(context):
    """Every page of every browser test must keep to the Content-Security-Policy: Chromium reports
    each refused script, style or image as a console error, and the test fails on any."""
    seen: list[str] = []
    context.on("console", lambda message: seen.append(message.text) if is_csp_violation(message) else None)
    yield seen
    assert seen == [], f"Content-Security-Policy violations: {seen}"


@pytest.fixture(scope="session")
def _server():
    dispatcher = _CurrentApp()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    # shutdown() waits for the loop to notice, up to one poll (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield dispatcher, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(_server):
    # Overriding base_url is also what keeps pytest-playwright quiet under filterwarnings=error.
    return _server[1]


@pytest.fixture(autouse=True)
def live_server(app, _server, factory_indexing):
    """Serve this test's app on the session's real threaded HTTP server (pages read the index in
    the server's threads: each factory call writes it at once)."""
    factory_indexing.eager = True
    _server[0].attach(app)
    yield _server[1]
    _server[0].detach()


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    # Asking for live_server here orders the teardown: the browser closes first, then the server
    # lets go of the app (waiting for its last requests), and only then is the app torn down.
    # As a visitor who asked their system for less motion (the pages and the map honour it, see
    # test_motion.py): nothing slides, fades or scrolls smoothly while a test waits for it to stand
    # still, which was about a tenth of the browser's work. The main journeys (test_journey.py,
    # test_foundation_journey.py) set no preference, as most visitors, and go through the motion.
    return {
        **browser_context_args,
        "locale": "fa-IR",
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }


# Screenshots for reviewers only when asked for (`make screenshots`): drawing each page whole again
# for its picture was about a tenth of the browser tests' CPU, for files no test reads.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "") not in ("", "0")


@pytest.fixture
def screenshot(request):
    """With SCREENSHOTS=1, save a full-page screenshot under test-artifacts/screenshots/ for reviewers:
    of the test's `page`, or of the page given (one opened in a context of the test's own)."""

    def take(name: str, of=None) -> Path | None:
        if not SCREENSHOTS:
            return None
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        (of or request.getfixturevalue("page")).screenshot(path=str(path), full_page=True)
        return path

    return take


# axe's one rule about the style sheets themselves: it reads every sheet the page links (fetched
# again and parsed into a CSSOM on every run, half of axe's time on a page). The sheets are the same
# on every page of a language (the map's add Leaflet's): test_accessibility.py runs this rule alone on
# those pages in both languages, and every other run of axe leaves it out.
CSS_RULE = "css-orientation-lock"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


# By its versioned address, as the pages name their scripts: cached for the whole context, and after
# a few runs Chromium keeps its compiled code too (axe is half a megabyte of script).
AXE_SCRIPT = f"/static/vendor/axe-core/axe.min.js?v={version_of(str(ROOT / 'static'), 'vendor/axe-core/axe.min.js')}"


def _axe_run(page, options: dict) -> dict:
    """axe's results on the page: each violation in short, and the rules that passed or could not decide."""
    # By address, from this site: the Content-Security-Policy refuses inline scripts, which is how
    # add_script_tag(path=…) would inject it.
    page.add_script_tag(url=urljoin(page.url, AXE_SCRIPT))
    return page.evaluate(
        """async (options) => {
            const result = await axe.run(document, {...options, resultTypes: ["violations"]});
            return {
                violations: result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
                })),
                passes: result.passes.map(r => r.id),
                incomplete: result.incomplete.map(r => r.id),
            };
        }""",
        options,
    )


def _axe_violations(page) -> list[dict]:
    """axe's violations on the page, every rule of AXE_TAGS but CSS_RULE."""
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {CSS_RULE: {"enabled": False}},
        "preload": {"assets": ["media"]},  # (no-autoplay-audio's)
    }
    return _axe_run(page, options)["violations"]


def axe_on_stylesheets(page) -> dict:
    """CSS_RULE alone, on the style sheets the page has."""
    return _axe_run(page, {"runOnly": {"type": "rule", "values": [CSS_RULE]}, "preload": {"assets": ["cssom"]}})


@pytest.fixture
def axe(page):
    """Run axe-core (vendored) on the current page; fail on serious or critical violations."""

    def check(label: str = "") -> list[dict]:
        violations = _axe_violations(page)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"axe on {label or page.url}: {serious}"
        return violations

    return check
