"""A resident's first visit, in a real browser: sign up, post, see it pending; a moderator approves."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.helpers import sign_in, sign_up_as_maryam


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "reduced_motion": "no-preference"}  # the motion most visitors see


def test_resident_posts_a_problem_and_a_moderator_approves_it(page: Page, make, screenshot):
    category = make.category()
    moderator = make.user(Role.MODERATOR)

    sign_up_as_maryam(page)

    page.get_by_role("link", name="گزارش یک مشکل").click()
    page.get_by_label("عنوان").fill("کوتاه")  # too short: the form keeps what was typed
    page.get_by_label("شرح").fill("چراغ‌های کوچه از هفته‌ی پیش خاموش است و شب‌ها تاریک است.")
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_role("button", name="ارسال برای بررسی").click()
    expect(
        page.get_by_text("عنوان باید بین ۸ تا ۱۵۰ نویسه باشد.").or_(
            page.get_by_text("عنوان باید بین 8 تا 150 نویسه باشد.")
        )
    ).to_be_visible()
    expect(page.get_by_label("شرح")).to_have_value(re.compile("چراغ‌های کوچه"))
    page.get_by_label("عنوان").fill("چراغ‌های کوچه‌ی ما خاموش است")
    page.get_by_role("button", name="ارسال برای بررسی").click()
    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()
    screenshot("post-pending-fa")
    post_url = page.url

    page.get_by_role("button", name="مریم").click()
    page.get_by_role("button", name="خروج").click()
    page.goto(post_url)
    expect(page.get_by_role("heading", name="پیدا نشد")).to_be_visible()

    sign_in(page, moderator.email, through_the_form=True)
    page.goto(post_url)
    page.get_by_role("button", name="تأیید").click()
    expect(page.get_by_text("انجام شد").first).to_be_visible()
    expect(page.locator(".status-badge").first).to_have_text("منتشرشده")
