"""Marking duplicates safely in a real browser: the queue stays short, a duplicate is confirmed on a
page that shows both posts side by side, its supporters can follow it, and the mark can be undone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.posts.models import PostStatus
from tests.browser.helpers import SHRINE, sign_in

STOPS = ["ایستگاه حرم", "ایستگاه شهدا", "ایستگاه بسیج", "ایستگاه وکیل‌آباد", "ایستگاه کوهسنگی"]


def _queue_of_twenty_with_five_similar_each(make) -> None:
    for n, stop in enumerate(STOPS):
        make.post(
            PostStatus.PUBLISHED,
            title=f"چاله‌ی عمیق جلوی {stop}",
            body=f"یک چاله‌ی عمیق جلوی {stop} هست که شب‌ها دیده نمی‌شود و ماشین‌ها در آن می‌افتند.",
            latitude=SHRINE["latitude"] + n * 0.001,
            longitude=SHRINE["longitude"],
        )
    for n in range(20):
        make.post(
            PostStatus.PENDING,
            title=f"چاله‌ی عمیق جلوی ایستگاه شماره‌ی {n + 1}",
            body="یک چاله‌ی عمیق جلوی ایستگاه هست که شب‌ها دیده نمی‌شود و ماشین‌ها در آن می‌افتند.",
            **SHRINE,
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pending_queue_of_twenty_posts_stays_short(page: Page, make, width):
    _queue_of_twenty_with_five_similar_each(make)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make.user(Role.MODERATOR).email)
    page.goto("/moderation/")
    expect(page.locator("article.pending-post")).to_have_count(20)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"pending queue, 20 posts, {width} px wide: {height} px tall")
