"""Steps and sample data shared by the browser tests."""

from __future__ import annotations

import io
import re
import time

from flask import current_app
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import Role
from app.core.i18n import LANGUAGE_COOKIE
from app.extensions import db
from app.notifications.models import OutboxEmail
from app.posts import photos
from app.posts.models import PostKind, PostStatus
from tests.factories import PASSWORD
from tests.posts.test_photos import Upload, image_bytes, jpeg_with_gps

# Requests each browser context has in flight (filled by tests/browser/conftest.py).
IN_FLIGHT: dict = {}


def settle(page: Page, quiet: float = 0.05, timeout: float = 15) -> None:
    """Wait until the page has loaded (its images, styles and fonts) and no request has been in flight
    for `quiet` seconds: fragments htmx loads, the map's data. Playwright's "networkidle" waits for
    500 ms of quiet after every page, which the suite's ~150 page visits spent doing nothing. The
    pages' own requests all start while the page loads or right after another one ends (the map's
    data once Leaflet has arrived); none waits on a timer, so 50 ms of quiet, two polls, is enough."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    pending = IN_FLIGHT[page.context]
    deadline = time.monotonic() + timeout
    quiet_since = None
    while True:
        now = time.monotonic()
        if pending:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet:
            return
        if now > deadline:
            raise AssertionError(f"requests still in flight after {timeout} s: {[r.url for r in pending]}")
        page.wait_for_timeout(20)  # lets Playwright deliver the request events meanwhile


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


SHRINE = {"latitude": 36.2880, "longitude": 59.6157}

SIGN_IN = {"fa": ("نشانی رایانامه", "گذرواژه", "ورود"), "en": ("E-mail address", "Password", "Sign in")}


def sign_in(
    page: Page,
    email: str,
    language: str = "fa",
    password: str = PASSWORD,
    *,
    switch_user: bool = False,
    through_the_form: bool = False,
) -> None:
    """Sign in as `email` in this browser.

    By default the sign-in is posted to the sign-in endpoint from the browser's own context (the
    cookies it sets are the browser's: `page.request` shares them), as the form posts it, and the
    page stays where it was: the next page opened is the signed-in one. Two page loads and a form
    fewer, for the tests whose subject is what comes after; `through_the_form` signs in from the
    sign-in page as a person does (the journeys and the tests of the form itself), waiting until the
    page says so. `switch_user`: whoever is signed in in this browser is forgotten first (every
    cookie but the language the test chose), as another person on another device."""
    if switch_user:
        kept = [cookie for cookie in page.context.cookies() if cookie["name"] == LANGUAGE_COOKIE]
        page.context.clear_cookies()
        page.context.add_cookies(kept)
    if not through_the_form:
        # The sign-in page answers (nobody is signed in here yet), and the sign-in is accepted.
        assert page.request.get("/login", max_redirects=0).status == 200, "someone is already signed in here"
        response = page.request.post("/login", form={"email": email, "password": password}, max_redirects=0)
        assert response.status == 302, f"sign-in refused for {email}: {response.status}"
        return
    label_email, label_password, button = SIGN_IN[language]
    page.goto("/login")
    page.get_by_label(label_email).fill(email)
    page.get_by_label(label_password, exact=True).fill(password)
    page.get_by_role("button", name=button, exact=True).click()
    # Hidden links count too: on a phone the menu holding the link is folded.
    expect(page.get_by_role("link", name=button, exact=True, include_hidden=True)).to_have_count(0)
    expect(page.locator("#main")).to_be_visible()


def sign_up_as_maryam(page: Page) -> None:
    """From the home page, in Persian: sign up as مریم, confirm the address from the e-mail, sign in."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("link", name="ثبت‌نام").first.click()
    page.get_by_label("نشانی رایانامه").fill("maryam@example.org")
    page.get_by_label("نام نمایشی").fill("مریم")
    page.get_by_label("گذرواژه", exact=True).fill("a-good-password")
    page.get_by_label("تکرار گذرواژه").fill("a-good-password")
    page.get_by_role("button", name="ثبت‌نام").click()
    expect(page.get_by_text("پیوندی به نشانی رایانامه‌ی شما فرستادیم")).to_be_visible()
    page.goto(latest_link("/verify-email/"))
    page.get_by_role("button", name="نشانی‌ام را تأیید کن").click()
    expect(page.get_by_text("نشانی رایانامه‌تان تأیید شد")).to_be_visible()
    sign_in(page, "maryam@example.org", password="a-good-password", through_the_form=True)
    expect(page.get_by_role("button", name="مریم")).to_be_visible()


def latest_link(path: str) -> str:
    """The site-relative link starting with `path` in the newest e-mail of the outbox."""
    db.session.rollback()
    email = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S*)", email.body)
    assert match, email.body
    return match.group(1)


def use_language(page: Page, base_url: str, language: str) -> None:
    """Pick the language as a visitor's browser remembers it (the switch itself is tested on its own)."""
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": base_url}])


def photo_upload(name: str = "pothole.jpg") -> dict:
    """A real JPEG with EXIF GPS, as Playwright hands a file to a file input."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_with_gps((1200, 900))}


def staged_photo(user, color: str = "orange"):
    with current_app.test_request_context():
        staged, errors = photos.receive_uploads([Upload(image_bytes(size=(800, 600), color=color))], [], user, room=3)
    assert errors == []
    return staged[0]


def sample_city(make) -> dict:
    """A small city: categories, a moderator, residents, and published posts with places and photos."""
    roads, lighting = make.category(), make.category()
    moderator = make.user(Role.MODERATOR, display_name="ناظر محله")
    author, neighbour = make.user(display_name="زهرا کریمی"), make.user(display_name="رضا احمدی")
    pothole = make.post(
        PostStatus.PUBLISHED,
        author=author,
        category=roads,
        address="خیابان امام رضا، نزدیک حرم",
        title="چاله‌ی عمیق وسط خیابان امام رضا",
        photos=[staged_photo(author)],
        **SHRINE,
    )
    make.comment(pothole, author=neighbour, body="من هم دیروز نزدیک بود زمین بخورم.")
    lamp = make.post(
        PostStatus.FORWARDED,
        author=neighbour,
        category=lighting,
        address="بلوار وکیل‌آباد، نزدیک پارک ملت",
        title="چراغ‌های بلوار وکیل‌آباد خاموش است",
        latitude=36.3216,
        longitude=59.5315,
    )
    idea = make.post(
        PostStatus.PUBLISHED,
        author=author,
        category=roads,
        kind=PostKind.IDEA,
        title="کتابخانه‌ی کوچک محله‌ای در پارک‌ها",
        body="در هر پارک محله‌ای یک قفسه‌ی کتاب امانی گذاشته شود تا اهالی کتاب‌هایشان را به اشتراک بگذارند.",
    )
    pending = make.post(PostStatus.PENDING, author=author, category=lighting, title="تیر چراغ برق کج شده است")
    return {
        "roads": roads,
        "lighting": lighting,
        "moderator": moderator,
        "author": author,
        "neighbour": neighbour,
        "pothole": pothole,
        "lamp": lamp,
        "idea": idea,
        "pending": pending,
    }


def image_of(page: Page, selector: str) -> bytes:
    """The bytes of an image the page shows, fetched with the page's cookies."""
    src = page.locator(selector).first.get_attribute("src")
    return page.request.get(src).body()


def exif_of(data: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(data)).getexif()
