"""The whole story in a real browser, in Persian: report with a map pin and a photo, moderate, support, comment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.helpers import exif_of, image_of, photo_upload, sign_in, sign_up_as_maryam


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "reduced_motion": "no-preference"}  # the motion most visitors see


def test_a_problem_with_a_place_and_a_photo_goes_from_report_to_support(page: Page, make, screenshot):
    category = make.category()
    moderator = make.user(Role.MODERATOR)
    neighbour = make.user(display_name="رضا احمدی")

    # A resident signs up and reports a problem, typed partly on an Arabic keyboard layout.
    sign_up_as_maryam(page)

    page.get_by_role("link", name="گزارش یک مشکل").click()
    page.get_by_label("عنوان").fill("چاله‌ی خطرناک در كوچه‌ی شهيد")  # Arabic kaf and yeh
    page.get_by_label("شرح").fill("یک چاله‌ی عمیق وسط کوچه است که شب‌ها دیده نمی‌شود و خطرناک است.")
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_label("نشانی یا نزدیک‌ترین نشانه").fill("بلوار سجاد، نبش بزرگمهر")
    picker = page.locator("[data-map=picker]")
    expect(picker).to_have_attribute("data-map-ready", "true")
    picker.locator(".map").click()  # the middle of the map: the centre of Mashhad
    expect(page.get_by_role("status").filter(has_text="محل علامت خورد")).to_be_visible()
    expect(page.locator("#latitude")).to_have_value(re.compile(r"^36\.\d+$"))
    page.get_by_label("افزودن عکس").set_input_files([photo_upload()])
    expect(page.locator("[data-photo-preview] img")).to_have_count(1)
    screenshot("journey-1-new-post-fa")
    page.get_by_role("button", name="ارسال برای بررسی").click()

    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("چاله‌ی خطرناک در کوچه‌ی شهید")  # Persian letters
    expect(page.get_by_text("بلوار سجاد، نبش بزرگمهر")).to_be_visible()
    expect(page.locator(".photo-gallery img")).to_have_count(1)
    assert not exif_of(image_of(page, ".photo-gallery img"))  # GPS and the rest are gone
    screenshot("journey-2-pending-fa")
    post_url = page.url

    # A moderator approves it.
    page.get_by_role("button", name="مریم").click()
    page.get_by_role("button", name="خروج").click()
    sign_in(page, moderator.email, through_the_form=True)
    page.goto(post_url)
    page.get_by_role("button", name="تأیید").click()
    expect(page.locator(".status-badge").first).to_have_text("منتشرشده")

    # Another resident finds it by search, typed another way: Arabic yeh and kaf, no zero-width
    # non-joiner, a plural; then supports it and comments, without a page load.
    page.get_by_role("button", name=moderator.display_name).click()
    page.get_by_role("button", name="خروج").click()
    sign_in(page, neighbour.email, through_the_form=True)
    page.get_by_role("link", name="جستجو").click()
    page.get_by_label("دنبال چه می‌گردید؟").fill("چاله هاي خطرناك كوچه شهيد")
    page.get_by_role("button", name="جستجو").click()
    expect(page.get_by_role("heading", name="۱ پست پیدا شد")).to_be_visible()
    page.locator("#hit-" + post_url.rsplit("/", 1)[1]).get_by_role("link", name="چاله‌ی خطرناک در کوچه‌ی شهید").click()
    page.wait_for_url(post_url)  # the mark goes on the post's page, not on the results it leaves
    page.wait_for_load_state("load")  # htmx (a deferred script) is in charge of the buttons
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="من هم").click()
    expect(page.locator(".vote-number").first).to_have_text("۱")
    expect(page.get_by_role("button", name="من هم")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("دیدگاه شما").fill("من هم هر روز از این کوچه رد می‌شوم؛ واقعاً خطرناک است.")
    page.get_by_role("button", name="ارسال دیدگاه").click()
    expect(page.locator(".comment-body").last).to_have_text("من هم هر روز از این کوچه رد می‌شوم؛ واقعاً خطرناک است.")
    expect(page.get_by_role("heading", name="۱ دیدگاه")).to_be_visible()
    expect(page.locator(".comment").last).to_be_focused()  # the new comment, for screen readers too
    expect(page.get_by_label("دیدگاه شما")).to_have_value("")
    page.get_by_role("button", name="دنبال کردن").click()
    expect(page.locator("#follow-" + post_url.rsplit("/", 1)[1] + " button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__samePage === true")  # htmx did it all in place
    screenshot("journey-3-supported-fa")

    # It is on the city map too.
    page.get_by_role("link", name="نقشه").first.click()
    expect(page.locator("[data-map=browse]")).to_have_attribute("data-pin-count", "1")
    expect(page.get_by_role("link", name="چاله‌ی خطرناک در کوچه‌ی شهید")).to_be_visible()
