"""A moderator removes a photo, after confirming: a removal cannot be undone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import sample_city, sign_in


def test_a_moderator_confirms_before_a_photo_is_removed(page: Page, make):
    city = sample_city(make)
    sign_in(page, city["moderator"].email)
    page.goto(f"/posts/{city['pothole'].id}")
    expect(page.locator(".photo-gallery img")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="حذف عکس ۱").click()
    expect(page.locator(".photo-gallery img")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="حذف عکس ۱").click()
    expect(page.get_by_text("عکس حذف شد.")).to_be_visible()
    expect(page.locator(".photo-gallery img")).to_have_count(0)
