"""The language switch round-trips and is remembered; everything works with no JavaScript and by keyboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.extensions import db
from app.posts.models import Post
from tests.browser.helpers import overflow, sample_city, sign_in


def test_the_language_switch_round_trips_and_keeps_the_page(page: Page, world_kept, screenshot):
    city = world_kept(sample_city)
    page.goto(f"/posts?category={city['roads'].id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("همه‌ی پست‌ها")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("All posts")
    assert page.url.endswith(f"/posts?category={city['roads'].id}")
    expect(page.locator("#f-category")).to_have_value(str(city["roads"].id))

    page.goto("/")  # remembered by this browser
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_role("heading", level=1)).to_have_text("شهر شما، صدای شما")


def test_a_residents_language_follows_them_to_another_browser(page: Page, new_context, make):
    resident = make.user()
    sign_in(page, resident.email)
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    elsewhere = new_context().new_page()
    sign_in(elsewhere, resident.email, through_the_form=True)  # the sign-in page is Persian for this browser…
    expect(elsewhere.locator("html")).to_have_attribute("lang", "en")  # …and English once she is known


def test_with_no_javascript_the_address_path_posts_a_problem(new_context, make, screenshot):
    category = make.category()
    resident = make.user()
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, resident.email)
    page.goto("/posts/new")
    expect(page.locator("[data-map=picker]")).to_be_hidden()
    expect(page.get_by_role("button", name="استفاده از موقعیت کنونی من")).to_be_hidden()
    page.get_by_label("عنوان").fill("سطل زباله‌ی سر کوچه شکسته است")
    page.get_by_label("شرح").fill("سطل زباله‌ی بزرگ سر کوچه شکسته و زباله‌ها در پیاده‌رو ریخته است.")
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_label("نشانی یا نزدیک‌ترین نشانه").fill("خیابان دانشگاه، کوچه‌ی ۱۲، روبه‌روی مدرسه")
    screenshot("no-script-new-post-fa", of=page)
    page.get_by_role("button", name="ارسال برای بررسی").click()

    expect(page.get_by_text("در انتظار بررسی").first).to_be_visible()
    expect(page.get_by_text("خیابان دانشگاه، کوچه‌ی ۱۲، روبه‌روی مدرسه")).to_be_visible()
    db.session.rollback()  # end this thread's read snapshot: the server wrote in another thread
    post = db.session.scalars(db.select(Post)).one()
    assert post.address == "خیابان دانشگاه، کوچه‌ی ۱۲، روبه‌روی مدرسه" and not post.has_location
    screenshot("no-script-pending-fa", of=page)


def test_with_no_javascript_coordinates_can_be_typed_and_menus_still_work(new_context, make):
    category = make.category()
    resident = make.user(display_name="سارا")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, resident.email, through_the_form=True)  # the form works without a script
    page.goto("/posts/new")
    page.get_by_text("مختصات", exact=True).click()  # the <details> opens without a script
    page.get_by_label("عنوان").fill("آب‌گرفتگی زیرگذر بعد از هر باران")
    page.get_by_label("شرح").fill("بعد از هر باران زیرگذر پر از آب می‌شود و خودروها گیر می‌کنند.")
    page.get_by_label("دسته").select_option(label=category.name_fa)
    page.get_by_label("عرض جغرافیایی").fill("۳۶٫۳۰۵۰")
    page.get_by_label("طول جغرافیایی").fill("۵۹٫۵۷۶۰")
    page.get_by_role("button", name="ارسال برای بررسی").click()
    expect(page.get_by_text("مختصات:")).to_be_visible()
    db.session.rollback()  # end this thread's read snapshot: the server wrote in another thread
    post = db.session.scalars(db.select(Post)).one()
    assert (post.latitude, post.longitude) == (36.305, 59.576)

    # The user menu is open without a script, in the page's flow: nothing hangs past the window's
    # edge (it was placed over the page, pushing it 67 px wider than a 1280 px window).
    menu = page.locator(".navbar .dropdown-menu")
    assert menu.evaluate("element => getComputedStyle(element).position") == "static"
    assert overflow(page) == 0
    page.get_by_role("link", name="پست‌های من").click()
    expect(page.get_by_role("heading", name="پست‌های من")).to_be_visible()
    page.get_by_role("button", name="خروج").click()
    expect(page.get_by_role("link", name="ورود")).to_be_visible()


def test_with_no_javascript_votes_and_comments_reload_the_page(new_context, world_kept):
    city = world_kept(sample_city)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, city["neighbour"].email)
    page.goto(f"/posts/{city['pothole'].id}")
    page.get_by_role("button", name="من هم").click()
    expect(page.get_by_role("button", name="من هم")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("دیدگاه شما").fill("x")
    page.get_by_role("button", name="ارسال دیدگاه").click()
    expect(page.get_by_text("دیدگاه باید بین ۲ تا ۲۰۰۰ نویسه باشد.")).to_be_visible()
    expect(page.get_by_label("دیدگاه شما")).to_have_value("x")


def test_keyboard_only_skip_link_vote_and_map_alternative(page: Page, world_kept):
    city = world_kept(sample_city)
    sign_in(page, city["neighbour"].email)
    page.goto(f"/posts/{city['pothole'].id}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="پرش به محتوا")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    vote = page.get_by_role("button", name="من هم")
    vote.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".vote-number").first).to_have_text("۱")
    expect(page.get_by_role("button", name="من هم")).to_be_focused()  # focus survives the swap

    page.goto("/posts/new")
    expect(page.locator("[data-map=picker]")).to_have_attribute("data-map-ready", "true")
    page.get_by_role("button", name="علامت زدن مرکز نقشه").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#latitude")).not_to_have_value("")
    page.get_by_role("button", name="برداشتن علامت").focus()
    page.keyboard.press("Space")
    expect(page.locator("#latitude")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text="علامت برداشته شد.")).to_be_visible()


def test_with_no_javascript_the_city_map_is_a_list(new_context, world_kept, screenshot):
    city = world_kept(sample_city)
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/map?kind=problem")
    expect(page.locator("[data-map=browse]")).to_be_hidden()
    expect(page.get_by_role("link", name=city["pothole"].title)).to_be_visible()
    expect(page.get_by_role("link", name=city["idea"].title)).to_have_count(0)  # the filter applies
    screenshot("no-script-map-fa", of=page)
    page.goto(f"/posts/{city['pothole'].id}")
    expect(page.locator("[data-map=spot]")).to_be_hidden()
    expect(page.get_by_text("خیابان امام رضا، نزدیک حرم")).to_be_visible()
    expect(page.get_by_text("مختصات:")).to_be_visible()
    screenshot("no-script-post-fa", of=page)
