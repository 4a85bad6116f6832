"""Persian as a reader sees it in Chromium: the language offered, not imposed; titles in their own
direction; numbers in Persian digits (also those the scripts write) and no dot beside a digit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.core.l10n import persian_digits
from app.extensions import db
from app.moderation import workflow
from app.posts.models import PostStatus
from tests.browser.conftest import _axe_violations
from tests.browser.helpers import SHRINE, sign_in

OFFER = "This site is also in English."
AUDIT_LOG = "دفتر اقدام‌ها"
LATIN_DIGIT = re.compile(r"[0-9]")
DOT_BESIDE_A_DIGIT = re.compile(r"[۰-۹]\s*[·•]|[·•]\s*[۰-۹]|[۰-۹]\.[۰-۹]")


@pytest.fixture
def browser_preferring(browser, browser_context_args):
    """`browser_preferring(locale)`: a page in a new browser set to `locale`, which it sends as its
    Accept-Language (the tests' browsers are set to Persian)."""
    opened = []

    def open_page(locale: str) -> Page:
        context = browser.new_context(**{**browser_context_args, "locale": locale})
        opened.append(context)
        return context.new_page()

    yield open_page
    for context in opened:
        context.close()


def test_a_browser_set_to_english_gets_persian_with_an_offer_and_the_choice_is_remembered(browser_preferring):
    page = browser_preferring("en-US")
    page.goto("/posts")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    offer = page.locator(".language-offer")
    expect(offer).to_contain_text(OFFER)
    expect(offer).to_have_attribute("lang", "en")
    serious = [v for v in _axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == []
    offer.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/posts")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-offer")).to_have_count(0)

    stays = browser_preferring("en-GB")
    stays.goto("/")
    stays.locator(".language-offer").get_by_role("button", name="ماندن در همین زبان").click()
    expect(stays.locator("html")).to_have_attribute("lang", "fa")
    expect(stays.locator(".language-offer")).to_have_count(0)
    stays.goto("/posts")
    expect(stays.locator(".language-offer")).to_have_count(0)


def _edges(page: Page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        """heading => {
            const box = heading.getBoundingClientRect(), text = heading.querySelector("a").getBoundingClientRect();
            return {direction: getComputedStyle(heading).direction,
                    fromStart: text.left - box.left, fromEnd: box.right - text.right};
        }"""
    )


def test_titles_sit_in_their_own_direction_on_either_languages_pages(page: Page, make, screenshot):
    category = make.category()
    english = make.post(category=category, title="Broken streetlight on Ahmadabad Street")
    persian = make.post(category=category, title="چراغ خیابان احمدآباد خاموش است")
    page.goto("/posts")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    left = _edges(page, f"#post-{english.id}-title")
    right = _edges(page, f"#post-{persian.id}-title")
    assert left["direction"] == "ltr" and left["fromStart"] < 2 < left["fromEnd"]  # at the left
    assert right["direction"] == "rtl" and right["fromEnd"] < 2 < right["fromStart"]  # at the right
    screenshot("titles-in-their-own-direction-fa")

    page.context.add_cookies([{"name": "lang", "value": "en", "url": page.url}])
    page.goto("/posts")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    right = _edges(page, f"#post-{persian.id}-title")
    assert right["direction"] == "rtl" and right["fromEnd"] < 2 < right["fromStart"]


def test_numbers_on_persian_pages_are_persian_also_where_scripts_write_them(page: Page, make, screenshot):
    category = make.category(name_fa="روشنایی", department=make.department(name_fa="برق"))  # no digits in names
    posts = [make.post(category=category, title=f"چراغ خاموش در کوچه‌ی {n}", **SHRINE) for n in ("یکم", "دوم")]
    make.supporters(posts[0], 4)
    workflow.transition(posts[1], "forward", make.user(Role.MODERATOR))
    db.session.commit()
    for path in ("/statistics", "/map", "/posts"):
        page.goto(path)
        if path == "/map":
            expect(page.locator("[data-map=browse]")).to_have_attribute("data-pin-count", "2")
        text = page.locator("body").inner_text()
        assert not LATIN_DIGIT.findall(text), (path, LATIN_DIGIT.findall(text))
        assert not DOT_BESIDE_A_DIGIT.search(text), path
    page.goto("/statistics")
    marker = page.locator("ol.top-posts li").first.evaluate("item => getComputedStyle(item).listStyleType")
    assert marker == "persian-dash"
    screenshot("statistics-fa")


def test_a_moderator_reads_the_audit_log_as_sentences(page: Page, make, axe, screenshot):
    moderator = make.user(Role.MODERATOR, display_name="مینا")
    post = make.post(PostStatus.PENDING, title="چراغ خاموش در کوچه‌ی یکم")
    workflow.transition(post, "approve", moderator)
    db.session.commit()
    sign_in(page, moderator.email)
    page.goto("/moderation/")
    page.get_by_role("link", name=AUDIT_LOG).click()  # moderators have the tab now
    entry = page.locator(".audit-entry").first
    expect(entry).to_contain_text(f"مینا پست #{persian_digits(post.id)} را تأیید کرد.")
    expect(entry.locator("code")).to_have_count(0)
    expect(entry.locator(".audit-old")).to_have_text("در انتظار بررسی")
    expect(entry.locator(".audit-new")).to_have_text("منتشرشده")
    axe("audit log")
    screenshot("audit-log-fa")
