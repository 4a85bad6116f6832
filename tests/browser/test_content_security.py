"""The Content-Security-Policy holds in a real browser: our pages load nothing it refuses (every
browser test fails on a violation, see conftest.csp_violations), and what it refuses is refused."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.helpers import sample_city, settle, sign_in


def test_an_inline_style_is_refused_and_reported(page: Page, base_url, csp_violations):
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'body{}'; document.head.append(s); }"
    )
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in csp_violations)
    csp_violations.clear()  # the violation was the point of this test


def test_the_map_loads_leaflet_and_asks_for_tiles_without_a_violation(page: Page, world_kept):
    world_kept(sample_city)
    page.goto("/map")
    expect(page.locator("[data-map]").first).to_have_attribute("data-map-ready", "true")
    settle(page)


def test_moderation_and_statistics_pages_keep_to_the_policy(page: Page, make, world_kept):
    city = world_kept(sample_city)
    moderator = make.user(Role.MODERATOR)
    sign_in(page, moderator.email)
    for path in ("/moderation/", "/moderation/flags", "/statistics", f"/posts/{city['pending'].id}"):
        page.goto(path)
        settle(page)


def test_the_browser_reaches_nothing_off_this_machine(page: Page, new_context):
    """The tests run offline, in every context a test opens: an address elsewhere fails at once (it
    goes to a proxy nobody listens on), while this machine's addresses are reached directly."""
    for context in (page.context, new_context()):
        tab = context.new_page()
        tab.goto("/")
        expect(tab.locator("html")).to_have_attribute("lang", "fa")
        elsewhere = context.new_page()
        started = time.monotonic()
        with pytest.raises(PlaywrightError, match="ERR_PROXY_CONNECTION_FAILED"):
            elsewhere.goto("https://example.org/")
        assert time.monotonic() - started < 5
        elsewhere.close()
