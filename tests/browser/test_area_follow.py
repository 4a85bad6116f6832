"""Following an area in a real browser: a neighbourhood from the list is drawn on the map, a click
draws a circle of one's own, and what is followed is what was drawn."""

from playwright.sync_api import Page, expect

from app.alerts.models import TopicFollow
from app.alerts.neighbourhoods import neighbourhood
from app.extensions import db
from tests.browser.test_call_journey import sign_in


def test_a_resident_follows_a_neighbourhood_then_a_circle_drawn_on_the_map(page: Page, make):
    user = make.user()
    sign_in(page, user.email)
    page.goto("/following/")
    form = page.locator("form.area-follow-form")
    expect(form.locator("[data-map=circle][data-map-ready=true]")).to_be_visible()

    form.get_by_label("یک محله").select_option(label="وکیل‌آباد")
    expect(form.locator("[name=a-radius_m]")).to_have_value("۱۵۰۰")
    expect(form.locator(".leaflet-overlay-pane path")).to_have_count(1)
    form.get_by_role("button", name="دنبال‌کردن این محدوده").click()
    expect(page.locator(".followed-topics")).to_contain_text("محله: وکیل‌آباد")

    form = page.locator("form.area-follow-form")
    form.locator("[data-map=circle][data-map-ready=true] .map").click()  # the centre of the city's view
    expect(form.locator("[name=a-latitude]")).not_to_have_value("")
    expect(form.get_by_label("یک محله")).to_have_value("")
    form.locator("[name=a-radius_m]").fill("۸۰۰")
    form.get_by_role("button", name="دنبال‌کردن این محدوده").click()
    expect(page.locator(".followed-topics li")).to_have_count(2)

    db.session.rollback()
    follows = db.session.scalars(db.select(TopicFollow).order_by(TopicFollow.id)).all()
    assert follows[0].place_key == "vakilabad" and follows[0].radius_m == neighbourhood("vakilabad").radius_m
    assert follows[1].place_key is None and follows[1].radius_m == 800
