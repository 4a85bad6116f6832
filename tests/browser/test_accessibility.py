"""Every main page, in Persian and in English, passes axe-core (no serious or critical violation),
and, with `make screenshots`, leaves a screenshot in test-artifacts/screenshots/ for reviewers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CSS_RULE, axe_on_stylesheets
from tests.browser.helpers import sample_city, settle, sign_in, use_language

LANGUAGES = ["fa", "en"]


def _visit(page: Page, path: str, name: str, language: str, axe, screenshot) -> None:
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    for element in page.locator("[data-map]").all():
        if element.is_visible():
            expect(element).to_have_attribute("data-map-ready", "true")
    settle(page)
    axe(f"{name} ({language})")
    screenshot(f"{name}-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_a_visitor_sees(page: Page, world_kept, axe, screenshot, base_url, language):
    city = world_kept(sample_city)
    use_language(page, base_url, language)
    for name, path in [
        ("home", "/"),
        ("list", "/posts"),
        ("list-filtered", f"/posts?kind=problem&category={city['roads'].id}&sort=newest"),
        ("map", "/map"),
        ("post", f"/posts/{city['pothole'].id}"),
        ("post-forwarded", f"/posts/{city['lamp'].id}"),
        ("post-idea", f"/posts/{city['idea'].id}"),
        ("sign-in", "/login"),
        ("sign-up", "/signup"),
        ("forgot-password", "/forgot-password"),
        ("not-found", "/posts/99999"),
        ("search", "/search?q=چاله خیابون"),
        ("search-errors", "/search?q=چاله&date_from=1405/13/40&page=0"),
    ]:
        _visit(page, path, name, language, axe, screenshot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_a_resident_uses(page: Page, world_kept, axe, screenshot, base_url, language):
    city = world_kept(sample_city)
    use_language(page, base_url, language)
    sign_in(page, city["author"].email, language)
    for name, path in [
        ("new-post", "/posts/new"),
        ("edit-post", f"/posts/{city['pending'].id}/edit"),
        ("post-pending", f"/posts/{city['pending'].id}"),
        ("my-posts", "/me/posts"),
        ("profile", "/profile"),
        ("delete-account", "/profile/delete"),
    ]:
        _visit(page, path, name, language, axe, screenshot)

    # A form with errors: every message tied to its field, and the page still passes.
    page.goto("/posts/new")
    page.locator("#latitude").evaluate("input => input.closest('details').open = true")
    page.locator("#title").fill("کوتاه")
    page.locator("#latitude").fill("۳۵٫۶۹")
    page.locator("#longitude").fill("۵۱٫۳۹")
    page.locator("form.post-form button.btn-primary").click()
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#latitude")).to_have_attribute("aria-describedby", "location-error")
    expect(page.locator("#latitude")).to_have_value("۳۵٫۶۹")
    axe(f"new-post-errors ({language})")
    screenshot(f"new-post-errors-{language}")

    sign_in_as_neighbour = city["neighbour"]
    page.get_by_role("button", name=city["author"].display_name).click()
    page.locator("form[action='/logout'] button").click()
    sign_in(page, sign_in_as_neighbour.email, language)
    _visit(page, f"/posts/{city['pothole'].id}", "post-as-resident", language, axe, screenshot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_a_moderator_uses(page: Page, world_kept, axe, screenshot, base_url, language):
    city = world_kept(sample_city)
    use_language(page, base_url, language)
    sign_in(page, city["moderator"].email, language)
    _visit(page, "/moderation/", "moderation-queue", language, axe, screenshot)
    _visit(page, f"/posts/{city['pending'].id}", "post-as-moderator", language, axe, screenshot)
    _visit(page, f"/posts/{city['pothole'].id}", "post-photos-as-moderator", language, axe, screenshot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_style_sheet_locks_the_orientation(page: Page, world_kept, base_url, language):
    """axe's rule on the style sheets themselves, which the runs on every page leave out: here on a
    page with the site's sheets for the language and on the map, which adds Leaflet's."""
    world_kept(sample_city)
    use_language(page, base_url, language)
    for path, sheets in [("/", {"bootstrap", "app.css"}), ("/map", {"bootstrap", "app.css", "leaflet.css"})]:
        page.goto(path)
        if path == "/map":
            expect(page.locator("[data-map]").first).to_have_attribute("data-map-ready", "true")
        settle(page)
        linked = page.evaluate("() => [...document.styleSheets].map(sheet => sheet.href || '')")
        assert all(any(name in href for href in linked) for name in sheets), linked
        result = axe_on_stylesheets(page)
        assert result["violations"] == [], result["violations"]
        assert CSS_RULE in result["passes"], result  # decided, not left incomplete
