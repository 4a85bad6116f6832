"""On a 390 × 844 phone: support under the title, the department queue as cards with "nearest to me",
statistics charts with readable labels, and no main page wider than the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.posts.models import PostStatus
from tests.browser.helpers import SHRINE, overflow, sample_city, settle, sign_in

PHONE = {"width": 390, "height": 844}
LONG_TITLE = "آسفالت خیابان فرعی پشت بازار رضا پس از حفاری لوله‌کشی گاز هنوز ترمیم نشده و ماشین‌ها در چاله می‌افتند"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}


def top(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_support_button_comes_under_the_title_before_the_comments(page: Page, make, world_kept, screenshot, width):
    city = world_kept(sample_city)
    for n in range(6):
        make.comment(city["pothole"], author=city["author"], body=f"دیدگاه شماره‌ی {n}: این چاله خطرناک است.")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/posts/{city['pothole'].id}")
    visitor_link = page.get_by_role("link", name="برای حمایت وارد شوید")
    assert top(page, "#post-title") < visitor_link.bounding_box()["y"] < top(page, ".comment")

    sign_in(page, city["neighbour"].email)
    page.goto(f"/posts/{city['pothole'].id}")
    me_too = page.get_by_role("button", name="من هم")
    title, first_comment = top(page, "#post-title"), top(page, ".comment")
    assert title < me_too.bounding_box()["y"] < first_comment
    assert me_too.bounding_box()["y"] < top(page, ".post-body")  # under the title, before the text
    assert me_too.bounding_box()["height"] >= 40  # a thumb's target
    assert overflow(page) <= 0
    screenshot(f"post-support-{width}")
    if width == 1280:  # the side column still starts beside the title, not under the article
        article = page.locator("article[aria-labelledby=post-title]").bounding_box()
        aside = page.locator("article[aria-labelledby=post-title] + aside").bounding_box()
        assert aside["y"] < first_comment and aside["x"] + aside["width"] <= article["x"] + 1  # RTL: on the left

    me_too.click()  # the vote still works where the button now is
    expect(page.get_by_role("button", name="من هم")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".support-bar .vote-number")).to_have_text("۱")


def _department_queue(make):
    city = sample_city(make)
    department = city["lamp"].department
    category = city["lamp"].category
    near = make.post(
        PostStatus.FORWARDED,
        category=category,
        title="چراغ خاموش کوچه‌ی کنار حرم",
        latitude=SHRINE["latitude"] + 0.001,
        longitude=SHRINE["longitude"],
    )
    far = make.post(PostStatus.FORWARDED, category=category, title=LONG_TITLE, latitude=36.36, longitude=59.50)
    make.supporters(far, 3)  # first in the default order (most supported)
    staff = make.user(Role.STAFF, department=department)
    return department, staff, near


def test_the_department_queue_is_a_list_of_cards_on_a_phone(page: Page, make, screenshot, axe):
    department, staff, _near = _department_queue(make)
    sign_in(page, staff.email)
    page.goto(f"/departments/{department.slug}")
    expect(page.locator(".department-queue tr", has_text=LONG_TITLE)).to_be_visible()
    assert overflow(page) <= 0
    card = page.locator(".department-queue tbody tr").first
    assert page.evaluate("el => getComputedStyle(el).display", card.element_handle()) == "grid"
    title = card.locator("td.queue-title").bounding_box()
    assert title["width"] >= 0.75 * PHONE["width"]  # the title has the card's width, not a fifth of it
    link = card.locator("td.queue-title a")
    lines = link.evaluate("a => a.getClientRects().length")
    assert lines <= 3, f"the title wraps to {lines} lines"
    expect(card.locator("td[data-label='حمایت']").first).to_be_visible()
    page.get_by_role("button", name="انتخاب نقطه روی نقشه").click()
    expect(page.locator("#near-map")).to_have_attribute("data-map-ready", "true")
    axe("department-queue-phone")
    screenshot("department-queue-phone")


def test_nearest_to_me_sorts_the_queue_by_the_devices_location(page: Page, make, context, base_url):
    department, staff, near = _department_queue(make)
    context.grant_permissions(["geolocation"], origin=base_url)
    context.set_geolocation(SHRINE)
    sign_in(page, staff.email)
    page.goto(f"/departments/{department.slug}")
    expect(page.locator(".department-queue tbody tr").first).to_contain_text(LONG_TITLE)
    page.get_by_role("button", name="استفاده از موقعیت کنونی من").click()
    page.wait_for_url(re.compile(r"sort=distance"))
    expect(page.locator(".department-queue tbody tr").first).to_contain_text(near.title)
    expect(page.locator("#sort")).to_have_value("distance")
    assert overflow(page) <= 0


def test_without_the_devices_location_a_point_is_picked_on_the_map(page: Page, make, context, screenshot):
    department, staff, _near = _department_queue(make)
    context.clear_permissions()  # the device refuses to tell where it is
    sign_in(page, staff.email)
    page.goto(f"/departments/{department.slug}")
    page.get_by_role("button", name="استفاده از موقعیت کنونی من").click()
    expect(page.locator("[data-role=near-status]")).to_contain_text("نقطه را روی نقشه")
    picker = page.locator("#near-map")
    expect(picker).to_be_visible()
    expect(picker).to_have_attribute("data-map-ready", "true")
    picker.locator(".map").click()  # the middle of the map: the city's centre
    expect(page.locator("#lat")).not_to_have_value("")
    expect(page.locator("#sort")).to_have_value("distance")
    page.get_by_role("button", name="نمایش", exact=True).click()
    page.wait_for_url(re.compile(r"sort=distance"))
    expect(page.locator(".department-queue tbody tr").first.locator("td[data-label]").last).to_contain_text("کیلومتر")
    assert overflow(page) <= 0
    screenshot("department-queue-nearest-phone")


@pytest.mark.parametrize("width", [390, 1000, 1280])
def test_chart_labels_are_readable_on_phones_and_desktops(page: Page, world_kept, screenshot, width):
    world_kept(sample_city)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/statistics")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("svg text")]
            .filter(t => t.getBoundingClientRect().width > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
    )
    assert len(sizes) >= 10  # labels and values of the status chart at least
    assert min(sizes) >= 11, f"chart text as small as {min(sizes):.1f} px at {width} px"
    assert overflow(page) <= 0
    screenshot(f"statistics-{width}")


MAIN_PAGES = ["/", "/posts", "{post}", "/search?q=چاله", "/map", "/statistics", "/calls/"]


@pytest.mark.parametrize("who", ["visitor", "resident"])
def test_no_main_page_is_wider_than_a_phone(page: Page, world_kept, who):
    city = world_kept(sample_city)
    if who == "resident":
        sign_in(page, city["neighbour"].email)
    wide = {}
    for path in [*MAIN_PAGES, *(["/posts/new", "/me/posts"] if who == "resident" else [])]:
        page.goto(path.format(post=f"/posts/{city['pothole'].id}"))
        settle(page)
        if overflow(page) > 0:
            wide[path] = overflow(page)
    assert wide == {}, f"pages wider than a {PHONE['width']} px phone (by px): {wide}"
