"""Similar posts while writing, "support this instead", the check on submit, and the similar panels.

The ranking tests run twice: words only, and with every post embedded (meaning fused with words).
"""

from __future__ import annotations

import io
import re
import time

import pytest

from app.accounts.models import Role
from app.core import cache
from app.extensions import db
from app.moderation import flags
from app.moderation.models import FlagReason
from app.posts.duplicates import EXTENSION
from app.posts.models import Follow, Post, PostKind, PostStatus, Vote
from tests.posts.test_photos import image_bytes

SPOT = {"latitude": 36.2880, "longitude": 59.6157}
NEXT_DOOR = {"latitude": "36.28805", "longitude": "59.61575"}  # about 7 m away
TITLE = "چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم"
BODY = "یک چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم هست که مسافران در آن زمین می‌خورند."


@pytest.fixture
def pothole(make):
    return make.post(PostStatus.PUBLISHED, title=TITLE, body=BODY, address="ایستگاه حرم", **SPOT)


def similar_ids(client, **params) -> list[int]:
    html = client.get("/search/similar", query_string=params, headers={"HX-Request": "true"}).get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-post-id="(\d+)"', html)]


# --------------------------------------------------------------------------- while writing


@pytest.mark.parametrize("meaning", [False, True], indirect=True, ids=["words", "meaning"])
def test_similar_public_posts_of_the_same_kind_appear_while_writing(meaning, client, make, pothole):
    pending = make.post(PostStatus.PENDING, title=TITLE, body=BODY)
    idea = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA, title=TITLE + " ایده", body=BODY)
    make.post(PostStatus.PUBLISHED, title="درخت افتاده در بلوار وکیل‌آباد", body="درختی کهنسال روی پیاده‌رو افتاده است.")
    ids = similar_ids(client, title="چاله جلوی ایستگاه اتوبوس", kind="problem")
    assert ids == [pothole.id]
    assert pending.id not in ids and idea.id not in ids
    assert similar_ids(client, title="چاله جلوی ایستگاه اتوبوس", kind="idea") == [idea.id]


def test_suggestions_show_status_support_category_and_distance(client, make, pothole):
    make.supporters(pothole, 2)
    html = client.get("/search/similar", query_string={"title": "چاله ایستگاه اتوبوس", **NEXT_DOOR}).get_data(
        as_text=True
    )
    assert "منتشرشده" in html and "۲ حامی" in html and pothole.category.name_fa in html
    assert "۱۰ متر" in html  # distance, rounded to 10 m, in Persian digits


def test_at_most_five_suggestions_and_never_the_post_being_edited(client, make):
    posts = [
        make.post(title=f"سطل زباله‌ی پر در کوچه‌ی {n}", body="سطل زباله چند روز است خالی نشده است.") for n in range(7)
    ]
    assert len(similar_ids(client, title="سطل زباله پر")) == 5
    assert posts[0].id not in similar_ids(client, title=posts[0].title, exclude=posts[0].id)


@pytest.mark.parametrize(
    "params",
    [
        {"title": ""},
        {"title": "چ"},
        {"title": "چاله", "latitude": "36.2.3", "longitude": "abc"},
        {"title": "چاله", "latitude": "nan", "longitude": "inf"},
        {"title": "چاله", "kind": "monster", "category": "x", "exclude": "9" * 30},
        {"title": "ب" * 5000, "body": "پ" * 20000},
    ],
)
def test_half_typed_or_odd_input_never_fails_the_suggestions(client, pothole, params):
    assert client.get("/search/similar", query_string=params).status_code == 200


def test_signed_in_residents_get_support_and_follow_buttons_visitors_do_not(client, make, auth, pothole):
    assert "Support this instead" not in client.get("/search/similar?title=چاله ایستگاه").get_data(as_text=True)
    auth.login(make.user())
    html = client.get("/search/similar?title=چاله ایستگاه").get_data(as_text=True)
    assert "به جای آن، از این حمایت کنید" in html or "Support this instead" in html
    assert "X-CSRFToken" in html and 'hx-params="action"' in html  # nothing of the draft is sent


# ---------------------------------------------------------------------- support this instead


def test_support_this_instead_supports_and_follows_in_one_click(client, make, auth, pothole):
    resident = make.user()
    auth.login(resident)
    response = client.post(
        f"/posts/{pothole.id}/support-instead", data={"action": "support"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "data-focus-after-swap" in response.get_data(as_text=True)
    assert db.session.get(Vote, db.session.scalar(db.select(Vote.id).where(Vote.user_id == resident.id))).value == 1
    assert db.session.get(Follow, (resident.id, pothole.id)) is not None
    # a second click keeps the support (it never takes it back, unlike the vote button)
    client.post(f"/posts/{pothole.id}/support-instead", data={"action": "support"})
    assert db.session.scalar(db.select(Post.up_count).where(Post.id == pothole.id)) == 1


def test_follow_only_follows(client, make, auth, pothole):
    resident = make.user()
    auth.login(resident)
    response = client.post(f"/posts/{pothole.id}/support-instead", data={"action": "follow"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{pothole.id}")
    assert db.session.get(Follow, (resident.id, pothole.id)) is not None
    assert db.session.scalar(db.select(Post.up_count).where(Post.id == pothole.id)) == 0


def test_supporting_ones_own_or_a_closed_post_is_refused_with_a_message(client, make, auth):
    resolved = make.post(PostStatus.RESOLVED)
    auth.login(resolved.author)
    response = client.post(
        f"/posts/{resolved.id}/support-instead", data={"action": "support"}, headers={"HX-Request": "1"}
    )
    assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)


def test_without_javascript_a_refusal_comes_back_as_a_message_on_the_post(client, make, auth):
    own = make.post()
    auth.login(own.author)
    response = client.post(f"/posts/{own.id}/support-instead", data={"action": "support"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{own.id}")
    assert "نمی‌توانید به پست خودتان رأی دهید" in client.get(f"/posts/{own.id}").get_data(as_text=True)


def test_nobody_supports_a_post_they_cannot_see(client, make, auth):
    pending = make.post(PostStatus.PENDING)
    auth.login(make.user())
    assert client.post(f"/posts/{pending.id}/support-instead", data={"action": "support"}).status_code == 404


# --------------------------------------------------------------------------- check on submit


def _draft(category, **fields) -> dict:
    return {"kind": "problem", "title": TITLE, "body": BODY, "category": str(category.id), **NEXT_DOOR, **fields}


@pytest.mark.parametrize("meaning", [False, True], indirect=True, ids=["words", "meaning"])
def test_a_near_certain_duplicate_is_shown_before_anything_is_posted(meaning, client, make, auth, pothole):
    auth.login(make.user())
    response = client.post("/posts/new", data=_draft(pothole.category))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'href="/posts/{pothole.id}"' in html
    assert f'action="/posts/{pothole.id}/support-instead"' in html
    for name, value in (("title", TITLE), ("body", BODY), ("latitude", "36.28805"), ("category", pothole.category_id)):
        assert f'name="{name}" value="{value}"' in html  # the draft travels on, untouched
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1


def test_post_anyway_posts_the_draft_with_its_photos(client, make, auth, pothole):
    auth.login(make.user())
    first = client.post(
        "/posts/new",
        data=_draft(pothole.category, photos=[(io.BytesIO(image_bytes()), "pothole.jpg")]),
        content_type="multipart/form-data",
    )
    tokens = re.findall(r'name="kept_photos"[^>]*value="([^"]+)"', first.get_data(as_text=True))
    assert len(tokens) == 1
    response = client.post("/posts/new", data=_draft(pothole.category, kept_photos=tokens, post_anyway="1"))
    assert response.status_code == 302
    db.session.rollback()
    mine = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
    assert mine.id != pothole.id and mine.title == TITLE and len(mine.photos) == 1


def test_edit_my_post_brings_the_form_back_filled_in(client, make, auth, pothole):
    auth.login(make.user())
    response = client.post("/posts/new", data=_draft(pothole.category, review="1", address="کنار ایستگاه"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="post-form"' in html
    assert BODY in html and 'value="کنار ایستگاه"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1


@pytest.mark.parametrize("meaning", [False, True], indirect=True, ids=["words", "meaning"])
def test_a_different_problem_at_the_same_spot_is_posted_at_once(meaning, client, make, auth, pothole):
    auth.login(make.user())
    data = _draft(
        pothole.category, title="چراغ ایستگاه اتوبوس خاموش است", body="چراغ‌های ایستگاه شب‌ها خاموش است و تاریک است."
    )
    assert client.post("/posts/new", data=data).status_code == 302


def test_without_a_duplicate_finder_the_form_posts_as_before(app, client, make, auth, pothole):
    app.extensions.pop(EXTENSION)
    auth.login(make.user())
    assert client.post("/posts/new", data=_draft(pothole.category)).status_code == 302


# ---------------------------------------------------------------------------------- panels


@pytest.mark.parametrize("meaning", [False, True], indirect=True, ids=["words", "meaning"])
def test_a_post_page_lists_similar_posts(meaning, client, make, pothole):
    other = make.post(title="چاله‌ی بزرگ جلوی ایستگاه اتوبوس حرم", body=BODY, **SPOT)
    html = client.get(f"/posts/{other.id}").get_data(as_text=True)
    assert "پست‌های مشابه" in html and f'href="/posts/{pothole.id}"' in html
    assert "mark_duplicate" not in html  # visitors get no moderation buttons


def _a_clock_step_later(app, monkeypatch) -> None:
    """Move the clock of post pages' panels on by one step (app.core.cache.clock)."""
    later = time.time() + app.config["PANEL_REFRESH_SECONDS"]
    monkeypatch.setattr(cache, "_now", lambda: later)


def test_a_post_pages_remembered_similar_posts_follow_the_index_within_a_step_and_hide_at_once(
    app, client, make, auth, pothole, monkeypatch
):
    other = make.post(title="چاله‌ی بزرگ جلوی ایستگاه اتوبوس حرم", body=BODY, **SPOT)
    auth.login(make.user())  # signed in: no page cache, only the remembered answer of the index
    assert f'href="/posts/{pothole.id}"' in client.get(f"/posts/{other.id}").get_data(as_text=True)
    third = make.post(title="چاله‌ی عمیق ایستگاه اتوبوس حرم", body=BODY, **SPOT)
    _a_clock_step_later(app, monkeypatch)
    assert f'href="/posts/{third.id}"' in client.get(f"/posts/{other.id}").get_data(as_text=True)
    flags.uphold(make._moderator(), pothole, FlagReason.OFFENSIVE)
    db.session.commit()  # what is shown is checked against the database on every render: no step needed
    assert f'href="/posts/{pothole.id}"' not in client.get(f"/posts/{other.id}").get_data(as_text=True)


@pytest.mark.backends("whoosh")  # PostgreSQL writes the terms in the post's transaction: no lag
def test_a_visitors_cached_post_page_follows_the_index_within_a_step_when_it_lags_the_commit(
    app, client, make, runner, monkeypatch
):
    other = make.post(title="چاله‌ی بزرگ جلوی ایستگاه اتوبوس حرم", body=BODY, **SPOT)
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # committed, not yet indexed: the worker's job
    pothole = make.post(PostStatus.PUBLISHED, title=TITLE, body=BODY, **SPOT)
    assert f'href="/posts/{pothole.id}"' not in client.get(f"/posts/{other.id}").get_data(as_text=True)
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0  # the index changes, the database does not
    _a_clock_step_later(app, monkeypatch)
    assert f'href="/posts/{pothole.id}"' in client.get(f"/posts/{other.id}").get_data(as_text=True)


def test_moderators_mark_a_pending_post_as_duplicate_from_the_queue_after_seeing_both(client, make, auth, pothole):
    pending = make.post(PostStatus.PENDING, title=TITLE, body=BODY, **SPOT)
    auth.login(make.user(Role.MODERATOR))
    html = client.get("/moderation/").get_data(as_text=True)
    section = html.split(f'id="pending-{pending.id}"')[1]
    link = f"/moderation/posts/{pending.id}/duplicate?original={pothole.id}&amp;next=/moderation/"
    assert link in section
    confirmation = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert confirmation.count(TITLE) >= 2 and db.session.get(Post, pending.id).status is PostStatus.PENDING
    response = client.post(
        f"/moderation/posts/{pending.id}/duplicate", data={"original": pothole.id, "next": "/moderation/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    db.session.rollback()
    assert db.session.get(Post, pending.id).status is PostStatus.DUPLICATE
    assert db.session.get(Post, pending.id).duplicate_of_id == pothole.id
