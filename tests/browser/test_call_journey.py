"""A call for ideas in a real browser: a department opens it, residents post and support ideas,
the call closes, the department publishes its outcome, and the residents who took part see it."""

import re
from datetime import timedelta

import jdatetime
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.calls.models import Call
from app.core.db import utcnow
from app.extensions import db
from app.moderation import workflow
from app.posts.models import Post
from tests.browser.helpers import sign_in

TITLE = "پیاده‌راه خیابان احمدآباد"
QUESTION = "چه چیزی پیاده‌روی در احمدآباد را بهتر می‌کند؟"
IDEA = "نیمکت‌های سایه‌دار در هر بلوک"
IDEA_BODY = "در هر بلوک یک نیمکت با سایه‌بان بگذارید تا سالمندان و کودکان بتوانند در راه استراحت کنند."
OUTCOME = "نیمکت‌های سایه‌دار در بودجهٔ سال آینده آمد و در بهار نصب می‌شود."


def test_a_department_asks_residents_answer_and_hear_the_outcome(page: Page, make, screenshot):
    department = make.department(name_fa="معاونت حمل و نقل")
    category = make.category(department=department, name_fa="پیاده‌روها")
    staff = make.user(Role.STAFF, department=department)
    author, supporter = make.user(display_name="مریم"), make.user(display_name="رضا")
    moderator = make.user(Role.MODERATOR)
    today = jdatetime.date.fromgregorian(date=(utcnow() + timedelta(hours=3, minutes=30)).date())

    # The department opens the call, with Solar Hijri dates typed in Persian digits.
    sign_in(page, staff.email)
    page.goto("/")
    page.get_by_role("link", name="فراخوان‌ها").first.click()
    page.get_by_role("link", name="گشودن فراخوان").click()
    page.get_by_label("عنوان").fill(TITLE)
    page.get_by_label("پرسشی که از شهروندان می‌پرسید").fill(QUESTION)
    page.get_by_label(category.name_fa).check()
    page.get_by_label("تاریخ آغاز").fill(
        today.strftime("%Y/%m/%d").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    )
    page.get_by_label("آخرین روز دریافت ایده").fill((today + timedelta(days=13)).strftime("%Y/%m/%d"))
    # The area: a click on the map puts the centre, the radius is typed.
    page.locator("[data-map=circle][data-map-ready=true] .map").click()
    expect(page.locator("[name=area_latitude]")).not_to_have_value("")
    page.locator("[name=area_radius_m]").fill("۱۵۰۰")
    page.get_by_role("button", name="گشودن فراخوان").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator(".call-area path")).to_have_count(1)
    expect(page.locator(".call-countdown")).to_contain_text("۱۴ روز مانده")
    call_url = page.url

    # A resident finds it on the home page and posts an idea into it.
    sign_in(page, author.email, switch_user=True)
    page.goto("/")
    page.locator(".call-announcement").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="فرستادن ایده").click()
    expect(page.locator("[data-map=picker][data-area-radius='1500'][data-map-ready=true]")).to_be_visible()
    page.get_by_label("عنوان").fill(IDEA)
    page.get_by_label("ایدهٔ شما").fill(IDEA_BODY)
    page.get_by_role("button", name="فرستادن ایده‌ام").click()
    expect(page.get_by_text("در انتظار ناظر")).to_be_visible()
    db.session.rollback()  # end the test's read snapshot: see what the server committed
    post = db.session.scalars(db.select(Post)).one()
    workflow.transition(post, "approve", moderator)  # the usual moderation
    db.session.commit()

    # Another resident supports it from the call's page.
    sign_in(page, supporter.email, switch_user=True)
    page.goto(call_url)
    idea = page.locator("article.call-idea", has_text=IDEA)
    idea.get_by_role("button", name="حمایت").click()
    expect(page.locator("article.call-idea", has_text=IDEA).locator(".vote-number")).to_have_text("۱")
    screenshot("call-open-fa")

    # Time passes: the call closes; no more ideas or votes.
    db.session.rollback()
    call = db.session.scalars(db.select(Call)).one()
    call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page.goto(call_url)
    expect(page.locator(".call-closed")).to_be_visible()
    expect(page.get_by_role("link", name="فرستادن ایده")).to_have_count(0)
    expect(page.locator("article.call-idea").get_by_role("button", name="حمایت")).to_have_count(0)

    # The department publishes its outcome, idea by idea.
    sign_in(page, staff.email, switch_user=True)
    page.goto(call_url)
    page.get_by_role("link", name="انتشار نتیجه").click()
    page.get_by_label("نتیجه: واحد چه خواهد کرد").fill(OUTCOME)
    page.locator("fieldset", has_text=IDEA).get_by_label("پذیرفته شد").check()
    page.locator("fieldset", has_text=IDEA).get_by_label("چرا (عمومی)").fill("در بودجه آمد.")
    page.get_by_role("button", name="انتشار و خبردادن به شرکت‌کنندگان").click()
    expect(page.locator(".call-outcome")).to_contain_text(OUTCOME)

    # Those who took part hear of it and see it on the call and on the idea's own page.
    for resident in (author, supporter):
        sign_in(page, resident.email, switch_user=True)
        page.goto("/")
        expect(page.locator("#notification-bell")).to_have_attribute("aria-label", re.compile("خوانده‌نشده"))
        page.locator("#notification-bell").click()
        item = page.locator("li", has_text="نتیجه‌اش را منتشر کرد").first
        item.get_by_role("button", name="باز کردن").click()
        expect(page.locator(".call-outcome")).to_contain_text(OUTCOME)
        expect(page.locator("article.call-idea", has_text=IDEA)).to_contain_text("پذیرفته شد")
    page.get_by_role("link", name=IDEA).click()
    expect(page.locator(".post-call")).to_contain_text("واحد آن را پذیرفت")
    screenshot("call-outcome-idea-fa")
