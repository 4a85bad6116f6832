"""Accounts in a real browser, with the e-mails caught by a real SMTP server on localhost."""

import re

from playwright.sync_api import Browser, Page, expect

from app.notifications.mail import send_due
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD
from tests.notifications.conftest import smtp_server  # noqa: F401  (the fixture)

GOOD = "a-good-password"
NEWER = "an-even-better-password"


def link_from_mailbox(mailbox, path: str) -> str:
    """Send what waits in the outbox over SMTP, and take the link out of the last e-mail received."""
    assert send_due().sent >= 1
    _recipients, message = mailbox.messages[-1]
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S*)", body)
    assert match, body
    return match.group(1)


def test_sign_up_confirm_the_address_from_the_e_mail_and_post(page: Page, make, smtp_server):  # noqa: F811
    category = make.category()
    page.goto("/signup")
    page.get_by_label("نشانی رایانامه").fill("Zahra@Example.org")
    page.get_by_label("نام نمایشی").fill("زهرا")
    page.get_by_label("گذرواژه", exact=True).fill(GOOD)
    page.get_by_label("تکرار گذرواژه").fill(GOOD)
    page.get_by_role("button", name="ثبت‌نام").click()
    expect(page.get_by_text("پیوندی به نشانی رایانامه‌ی شما فرستادیم")).to_be_visible()

    # Before confirming: she reads, and is told why not more.
    sign_in(page, "zahra@example.org", password=GOOD, through_the_form=True)
    expect(page.get_by_text("نشانی رایانامه‌تان را تأیید کنید.")).to_be_visible()

    page.goto(link_from_mailbox(smtp_server, "/verify-email/"))
    page.get_by_role("button", name="نشانی‌ام را تأیید کن").click()
    expect(page.get_by_text("نشانی رایانامه‌تان تأیید شد")).to_be_visible()
    expect(page.get_by_text("نشانی رایانامه‌تان را تأیید کنید.")).to_have_count(0)

    page.goto("/posts/new?kind=problem")
    page.get_by_label("عنوان").fill("چراغ‌های کوچه‌ی ما خاموش است")
    page.get_by_label("شرح").fill("چراغ‌های کوچه از هفته‌ی پیش خاموش است و شب‌ها تاریک است.")
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_role("button", name="ارسال برای بررسی").click()
    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()


def test_forgot_password_reset_it_from_the_e_mail_and_sign_in(page: Page, make, smtp_server):  # noqa: F811
    user = make.user(email="reza@example.org", display_name="رضا")
    page.goto("/login")
    page.get_by_role("link", name="گذرواژه را فراموش کرده‌اید؟").click()
    page.get_by_label("نشانی رایانامه").fill("Reza@Example.org")
    page.get_by_role("button", name="پیوند را برایم بفرست").click()
    expect(page.get_by_text("اگر حسابی با این نشانی باشد")).to_be_visible()

    link = link_from_mailbox(smtp_server, "/reset-password/")
    page.goto(link)
    page.get_by_label("گذرواژه‌ی تازه").fill(NEWER)
    page.get_by_label("تکرار گذرواژه").fill(NEWER)
    page.get_by_role("button", name="ذخیره‌ی گذرواژه‌ی تازه").click()
    expect(page.get_by_text("گذرواژه‌تان تغییر کرد")).to_be_visible()

    sign_in(page, user.email, password=NEWER, through_the_form=True)
    expect(page.get_by_role("button", name="رضا")).to_be_visible()
    page.goto(link)  # the link worked once
    expect(page.get_by_role("heading", name="این پیوند کار نمی‌کند")).to_be_visible()


def test_after_sign_out_copies_of_the_old_cookies_are_refused(page: Page, browser: Browser, base_url, make):
    user = make.user(display_name="مینا")
    page.goto("/login")
    page.get_by_label("نشانی رایانامه").fill(user.email)
    page.get_by_label("گذرواژه").fill(PASSWORD)
    page.get_by_label("مرا در این دستگاه به خاطر بسپار").check()
    page.get_by_role("button", name="ورود").click()
    expect(page.get_by_role("button", name="مینا")).to_be_visible()
    copied = page.context.cookies()
    assert {cookie["name"] for cookie in copied} >= {"session", "remember_token"}

    page.get_by_role("button", name="مینا").click()
    page.get_by_role("button", name="خروج").click()
    expect(page.get_by_role("link", name="ورود")).to_be_visible()

    other = browser.new_context(base_url=base_url, locale="fa-IR")
    other.add_cookies(copied)
    thief = other.new_page()
    thief.goto("/profile")
    expect(thief).to_have_url(re.compile(r"/login"))
    other.close()
