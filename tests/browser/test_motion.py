"""Less motion for those who ask their system for it: no smooth scrolling, no transitions on the
site's own parts, no sliding zooms or fading tiles on the map; as before for everyone else."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.posts.models import PostStatus
from tests.browser.helpers import SHRINE


def _motion(page: Page) -> dict:
    """What moves on the front page and on the city map."""
    page.goto("/")
    card = page.locator(".post-card").first
    expect(card).to_be_visible()
    moves = {
        "scrolling": page.evaluate("getComputedStyle(document.documentElement).scrollBehavior"),
        "card": card.evaluate("card => getComputedStyle(card).transitionDuration"),
    }
    page.goto("/map")
    expect(page.locator("[data-map=browse]")).to_have_attribute("data-pin-count", "1")
    # Leaflet draws a zoom's animation on a proxy layer that it makes only when zooms are animated.
    moves["map zooms"] = page.locator("[data-map=browse] .leaflet-proxy").count()
    moves["map fades"] = page.locator("[data-map=browse] .leaflet-fade-anim").count()
    # A pan by the arrow keys glides when Leaflet marks its pane as animating.
    page.evaluate(
        """() => {
            const pane = document.querySelector("[data-map=browse] .leaflet-map-pane");
            window.glided = 0;
            window.paneAt = pane.style.transform;
            new MutationObserver(() => { if (pane.classList.contains("leaflet-pan-anim")) window.glided++; })
                .observe(pane, { attributes: true, attributeFilter: ["class"] });
        }"""
    )
    page.locator("[data-map=browse] .map").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        """() => {
            const pane = document.querySelector("[data-map=browse] .leaflet-map-pane");
            return pane.style.transform !== window.paneAt && !pane.classList.contains("leaflet-pan-anim");
        }"""
    )  # moved, and done moving
    moves["map glides"] = page.evaluate("window.glided") > 0
    return moves


def test_less_motion_when_asked_and_the_usual_motion_otherwise(page: Page, browser, browser_context_args, make):
    make.post(PostStatus.PUBLISHED, title="چاله‌ی کنار حرم", **SHRINE)

    # The suite's browser asks for less motion (tests/browser/conftest.py).
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    assert _motion(page) == {
        "scrolling": "auto",
        "card": "0s",
        "map zooms": 0,
        "map fades": 0,
        "map glides": False,
    }

    usual = browser.new_context(**(browser_context_args | {"reduced_motion": "no-preference"}))
    try:
        assert _motion(usual.new_page()) == {
            "scrolling": "smooth",
            "card": "0.15s, 0.15s",
            "map zooms": 1,
            "map fades": 1,
            "map glides": True,
        }
    finally:
        usual.close()
