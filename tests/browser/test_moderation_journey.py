"""A post's whole life in a real browser, and what each role sees on the way: a resident reports,
a moderator approves, neighbours support it, the moderator forwards it, the department answers
from a template and resolves it, and the author hears about it."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.posts.models import PostStatus
from tests.browser.helpers import sign_in

TITLE = "چراغ‌های کوچه‌ی بهار خاموش است"
BODY = "از هفته‌ی پیش همه‌ی چراغ‌های کوچه‌ی بهار خاموش است و شب‌ها عبور از آن ترسناک شده است."
ACK = "گزارش شما دریافت شد و به اکیپ روشنایی منطقه سپرده شد."
RESOLVED = "لامپ‌های کوچه‌ی بهار تعویض شد. از گزارش شما سپاسگزاریم."


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PROMISING_THRESHOLD": 2.0}  # three neighbours are enough in this story


def test_a_post_goes_from_a_residents_report_to_a_public_resolution(page: Page, make, screenshot):
    department = make.department(name_fa="معاونت خدمات شهری")
    category = make.category(department=department, name_fa="روشنایی معابر")
    make.response_template(department, "acknowledge", title="دریافت و ارجاع", body=ACK)
    author = make.user(display_name="مریم")
    moderator = make.user(Role.MODERATOR)
    staff = make.user(Role.STAFF, department=department)
    neighbours = [make.user() for _ in range(3)]

    # A resident reports the problem; it waits for a moderator and nobody else can see it.
    sign_in(page, author.email)
    page.goto("/posts/new")
    page.get_by_label("عنوان").fill(TITLE)
    page.get_by_label("شرح").fill(BODY)
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_role("button", name="ارسال برای بررسی").click()
    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()
    post_url = page.url
    page.context.clear_cookies()
    page.goto(post_url)
    expect(page.get_by_role("heading", name="پیدا نشد")).to_be_visible()

    # The moderator sees it waiting (the header counts it) and approves it from the queue.
    sign_in(page, moderator.email, switch_user=True)
    page.goto("/")
    expect(page.locator("#nav-moderation .badge")).to_contain_text("۱")
    page.locator("#nav-moderation").click()
    card = page.locator("article.pending-post", has_text=TITLE)
    expect(card).to_contain_text(author.display_name)
    expect(card).to_contain_text(category.name_fa)
    screenshot("moderation-queue-fa")
    card.get_by_role("button", name="تأیید").click()
    expect(page.get_by_text("چیزی در انتظار نیست")).to_be_visible()

    # Neighbours support it.
    for neighbour in neighbours:
        sign_in(page, neighbour.email, switch_user=True)
        page.goto(post_url)
        page.get_by_role("button", name="من هم").click()
        expect(page.get_by_role("button", name="من هم")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vote-number").first).to_have_text("۳")

    # It is now promising: one click forwards it to the category's department.
    sign_in(page, moderator.email, switch_user=True)
    page.goto("/moderation/promising")
    promising = page.locator("article.promising-post", has_text=TITLE)
    screenshot("moderation-promising-fa")
    promising.get_by_role("button", name=f"ارجاع به {department.name_fa}").click()
    expect(page.locator("article.promising-post", has_text=TITLE)).to_have_count(0)

    # The department's staff find it in their queue, acknowledge it from a template, note and resolve.
    sign_in(page, staff.email, switch_user=True)
    page.goto("/")
    page.get_by_role("link", name="واحد من").click()
    expect(page.get_by_role("heading", name=department.name_fa)).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#template-acknowledge")).to_be_visible()  # a new forward: acknowledging comes first
    page.locator("#template-acknowledge").select_option(label="دریافت و ارجاع")
    expect(page.locator("#note-acknowledge")).to_have_value(ACK)  # the template fills the box
    page.get_by_role("button", name="اعلام دریافت", exact=True).click()
    expect(page.get_by_text("انجام شد").first).to_be_visible()
    page.get_by_label("افزودن یادداشت داخلی").fill("پیمانکار فردا صبح می‌رود.")
    page.get_by_role("button", name="ذخیره‌ی یادداشت").click()
    page.get_by_text("حل شد…").click()
    page.locator("#note-resolve").fill(RESOLVED)
    page.get_by_role("button", name="حل شد", exact=True).click()
    expect(page.locator(".status-badge").first).to_have_text("حل‌شده")
    screenshot("post-resolved-staff-fa")

    # The author hears about it under the bell, and reads the official answer.
    sign_in(page, author.email, switch_user=True)
    page.goto("/")
    expect(page.locator("#notification-bell .badge")).to_have_text(re.compile("[۱-۹]"))
    page.locator("#notification-bell").click()
    expect(page.get_by_text(re.compile(f"{department.name_fa}.*«.*{TITLE}.*» را حل کرد"))).to_be_visible()
    expect(page.locator(".official-badge").first).to_be_visible()
    screenshot("notifications-author-fa")

    # Everyone sees the public timeline with the official responses, and nothing internal.
    page.context.clear_cookies()
    page.goto(post_url)
    timeline = page.locator("section.timeline")
    expect(timeline.locator(".timeline-item.official")).to_have_count(2)
    expect(timeline).to_contain_text(ACK)
    expect(timeline).to_contain_text(RESOLVED)
    expect(timeline).to_contain_text(f"{department.name_fa} (پاسخ رسمی)")
    expect(page.get_by_text("پیمانکار فردا صبح")).to_have_count(0)
    expect(page.locator("form[action*='/respond']")).to_have_count(0)
    screenshot("post-resolved-visitor-fa")


def test_a_template_picked_before_the_script_arrived_still_fills_the_box(page: Page, make):
    department = make.department()
    make.response_template(department, "acknowledge", title="دریافت و ارجاع", body=ACK)
    staff = make.user(Role.STAFF, department=department)
    post = make.post(PostStatus.FORWARDED, category=make.category(department=department))
    sign_in(page, staff.email)

    # A slow connection: the page is shown and a template picked before the script has arrived.
    page.route("**/static/js/responses.js*", lambda route: route.abort())
    page.goto(f"/posts/{post.id}")
    script = page.locator("script[src*='/js/responses.js']").get_attribute("src")
    page.unroute("**/static/js/responses.js*")
    page.locator("#template-acknowledge").select_option(label="دریافت و ارجاع")
    expect(page.locator("#note-acknowledge")).to_have_value("")

    page.add_script_tag(url=script)  # it arrives
    expect(page.locator("#note-acknowledge")).to_have_value(ACK)
    page.locator("#note-acknowledge").fill("متن خود کارمند")
    page.add_script_tag(url=script)  # a box already written in is never overwritten
    expect(page.locator("#note-acknowledge")).to_have_value("متن خود کارمند")
