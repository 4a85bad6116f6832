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


# Before the similar posts were folded: 16,695 px at 1280 px wide and 21,937 px on a 390 px phone.
MOST = {1280: 10_500, 390: 14_500}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pending_queue_of_twenty_posts_stays_short(page: Page, make, width):
    _queue_of_twenty_with_five_similar_each(make)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make.user(Role.MODERATOR).email)
    page.goto("/moderation/")
    cards = page.locator("article.pending-post")
    expect(cards).to_have_count(20)
    expect(cards.locator(".similar-item:visible")).to_have_count(40)  # the best two of each
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"pending queue, 20 posts, {width} px wide: {height} px tall")
    assert height < MOST[width]
    cards.first.get_by_text("۳ مورد دیگر").click()  # "show more", without JavaScript's help
    expect(cards.first.locator(".similar-item:visible")).to_have_count(5)


def test_a_moderator_confirms_a_duplicate_beside_its_original_moves_its_supporters_and_undoes_it(
    page: Page, make, screenshot, axe
):
    original = make.post(
        PostStatus.PUBLISHED,
        title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم",
        body="یک چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم هست که مسافران شب‌ها در آن زمین می‌خورند.",
        **SHRINE,
    )
    pending = make.post(
        PostStatus.PENDING,
        title="چاله‌ی بزرگ کنار ایستگاه اتوبوس حرم",
        body="کنار ایستگاه اتوبوس حرم چاله‌ی عمیقی هست و مسافران شب‌ها در آن زمین می‌خورند.",
        **SHRINE,
    )
    copy = make.post(PostStatus.PUBLISHED, title="چاله‌ای نزدیک حرم که کسی درستش نکرد", **SHRINE)
    make.supporters(copy, 2)
    moderator = make.user(Role.MODERATOR)

    # From the queue, "duplicate of this…" opens both posts side by side; nothing changes yet.
    sign_in(page, moderator.email)
    page.goto("/moderation/")
    card = page.locator(f"#pending-{pending.id}")
    card.get_by_role("link", name="تکراریِ همین است…").first.click()
    this, that = page.locator(".duplicate-this"), page.locator(".duplicate-original")
    expect(this).to_contain_text(pending.title)
    expect(that).to_contain_text(original.title)
    left, right = this.bounding_box(), that.bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and abs(left["x"] - right["x"]) > 300  # side by side
    screenshot("moderation-duplicate-confirm-fa")
    axe("duplicate confirmation")
    page.get_by_role("link", name="انصراف").click()
    expect(page.locator(f"#pending-{pending.id}")).to_be_visible()  # cancelled: still waiting

    # Confirmed this time: the queue empties and says what happened.
    card.get_by_role("link", name="تکراریِ همین است…").first.click()
    page.get_by_role("button", name="بله، تکراری است").click()
    expect(page.get_by_text(f"به‌عنوان تکراریِ پست #{_fa(original.id)} علامت خورد.")).to_be_visible()
    expect(page.locator(f"#pending-{pending.id}")).to_have_count(0)

    # A mistake: "not a duplicate" from the post's page takes it back to the queue, on its timeline.
    page.goto(f"/posts/{pending.id}")
    page.get_by_role("button", name="تکراری نیست (بازگردانی)").click()
    expect(page.locator(".status-badge").first).to_have_text("در انتظار بررسی")
    expect(page.locator("section.timeline")).to_contain_text("تکراری نبود")

    # A published copy with supporters, marked by number from its page: its supporters move along…
    page.goto(f"/posts/{copy.id}")
    page.get_by_label("شماره‌ی پست اصلی").fill(_fa(original.id))
    page.get_by_role("button", name="مقایسه و علامت‌گذاری…").click()
    page.get_by_label("حامیانش را به پست اصلی منتقل کن").check()
    page.get_by_role("button", name="بله، تکراری است").click()
    expect(page.get_by_text("۲ حامی به پست اصلی منتقل شد.")).to_be_visible()
    page.goto(f"/posts/{original.id}")
    expect(page.locator(".vote-number").first).to_have_text("۲")

    # …and come back with the undo, which says so before it is pressed.
    page.goto(f"/posts/{copy.id}")
    expect(page.locator("#actions-title").locator("..")).to_contain_text("۲ حامی")
    page.get_by_role("button", name="تکراری نیست (بازگردانی)").click()
    expect(page.locator(".vote-number").first).to_have_text("۲")
    page.goto(f"/posts/{original.id}")
    expect(page.locator(".vote-number").first).to_have_text("۰")


def _fa(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
