"""The city map in a real browser: clusters counted by the server, in Persian digits; zooming into
one shows its posts as pins; "see it on the city map" opens a post's own pin."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.extensions import db
from app.posts.models import PostStatus
from tests.browser.helpers import SHRINE


def test_the_map_shows_clusters_and_zooming_into_one_shows_its_pins(page: Page, make, screenshot):
    posts = [make.post(PostStatus.PUBLISHED, title=f"چاله‌ی کنار حرم {n}", **SHRINE) for n in "ابپتثجچحخدذر"]
    make.post(PostStatus.PUBLISHED, title="چراغ خاموش در طرقبه", latitude=36.35, longitude=59.45)
    hidden = make.post(PostStatus.PUBLISHED, title="پست پنهان", **SHRINE)
    hidden.is_hidden = True
    make.post(PostStatus.PENDING, title="پست در انتظار", **SHRINE)
    db.session.commit()

    page.goto("/map")
    city_map = page.locator("[data-map=browse]")
    expect(city_map).to_have_attribute("data-pin-count", "13")  # every public post, nothing else
    expect(city_map).to_have_attribute("data-cluster-count", "1")
    cluster = city_map.locator(".map-cluster")
    expect(cluster).to_have_text("۱۲")
    expect(cluster).to_have_attribute("aria-label", "۱۲ پست در این‌جا. برای دیدنشان بزرگ‌نمایی کنید.")
    expect(city_map.locator("[data-role=status]")).to_have_text("پست‌های این محدوده: ۱۳.")
    screenshot("city-map-clusters-fa")

    cluster.click()
    expect(city_map).to_have_attribute("data-cluster-count", "0")
    expect(city_map).to_have_attribute("data-shown-pins", "12")
    expect(city_map.locator(".leaflet-marker-icon:not(.map-cluster)")).to_have_count(12)
    # Leaflet's pin and its shadow, drawn, from their versioned addresses (kept by the browser).
    pin, shadow = city_map.locator("img.leaflet-marker-icon").first, city_map.locator("img.leaflet-marker-shadow").first
    for image in (pin, shadow):
        expect(image).to_have_attribute(
            "src", re.compile(r"/static/vendor/leaflet/images/marker-\w+\.png\?v=[0-9a-f]{12}$")
        )
        assert image.evaluate("image => image.complete && image.naturalWidth > 0")
    city_map.locator(f".leaflet-marker-icon[title='{posts[0].title}']").click()
    expect(city_map.locator(".pin-popup").get_by_role("link", name=posts[0].title)).to_be_visible()
    screenshot("city-map-zoomed-in-fa")


def test_see_it_on_the_city_map_opens_the_posts_own_pin(page: Page, make):
    make.post(PostStatus.PUBLISHED, title="چاله‌ی دیگر کنار حرم", **SHRINE)
    post = make.post(PostStatus.PUBLISHED, title="پیاده‌روی شکسته کنار حرم", **SHRINE)
    page.goto(f"/posts/{post.id}")
    page.get_by_role("link", name="دیدن روی نقشه‌ی شهر").click()
    city_map = page.locator("[data-map=browse]")
    expect(city_map).to_have_attribute("data-shown-pins", "2")
    expect(city_map.locator(".pin-popup").get_by_role("link", name=post.title)).to_be_visible()
