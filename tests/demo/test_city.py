"""The demo city is Mashhad: Persian residents writing about its streets, in their own varied words,
at the right time of year, with every step of a post's life shown somewhere."""

import random
import re
from collections import Counter
from datetime import datetime

import jdatetime
import pytest
from sqlalchemy import func, select

from app.calls.models import Call, CallIdea
from app.core.db import utcnow
from app.demo import writing
from app.demo.seed import seed_demo
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation.models import StatusChange
from app.posts.models import PUBLIC_STATUSES, Post, PostStatus

NOW = datetime(2026, 12, 4, 10, 0)
MASHHAD = (36.19, 59.40, 36.43, 59.74)  # south, west, north, east
# Words of the Boston 311 reports the demo used to borrow, and of Boston itself.
BOSTON = re.compile(
    r"boston|dorchester|roxbury|jamaica plain|southie|back bay|beacon|mass ave|washington st|"
    r"blue hill|tremont|comm ave|\b311\b|\bmbta\b",
    re.IGNORECASE,
)


def _persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _month(moment: datetime) -> int:
    return jdatetime.date.fromgregorian(date=moment.date()).month


@pytest.mark.parametrize("count", [400, 120])
def test_the_drafts_are_mashhad_persian_and_say_each_thing_once(count):
    drafts = writing.compose(count, random.Random(1404), NOW)
    assert len(drafts) == count
    assert not [d.title for d in drafts if BOSTON.search(f"{d.title} {d.body} {d.address or ''}")]
    persian = sum(_persian(d.title) for d in drafts)
    assert persian / count >= 0.85 and persian < count  # a few residents write English
    # Nobody repeats another resident word for word; a second report of a problem is a duplicate.
    originals = [d for d in drafts if d.duplicate_of is None]
    assert len({d.title for d in originals}) == len(originals)
    assert len({d.body for d in drafts}) == len(drafts)
    assert all(d.plan in ("duplicate", "pending") for d in drafts if d.duplicate_of is not None)
    for d in drafts:
        if d.latitude is not None:
            assert MASHHAD[0] < d.latitude < MASHHAD[2] and MASHHAD[1] < d.longitude < MASHHAD[3], d.title


def test_the_drafts_vary_in_length_and_kind_and_are_dated_in_their_season():
    drafts = writing.compose(400, random.Random(1404), NOW)
    lengths = sorted(len(d.body) for d in drafts)
    assert lengths[0] < 50 and lengths[40] < 100 and lengths[-40] > 160 and lengths[-1] > 300  # a line to a story
    kinds = Counter(d.kind for d in drafts)
    assert kinds["idea"] > 60 and kinds["problem"] > 250
    assert len({d.address for d in drafts if d.address}) > 35
    snow = [d for d in drafts if "برف" in d.body]
    nowruz = [d for d in drafts if "نوروز" in d.body]
    heat = [d for d in drafts if "گرمای تیر" in d.body or "۳۸ درجه" in d.body]
    assert snow and nowruz and heat
    assert {_month(d.created_at) for d in snow} <= {10, 11}  # Dey and Bahman
    assert {_month(d.created_at) for d in nowruz} <= {1}  # Farvardin
    assert {_month(d.created_at) for d in heat} <= {4, 5}  # Tir and Mordad
    assert all(d.created_at < NOW for d in drafts)


def test_the_same_day_gives_the_same_city():
    first = writing.compose(200, random.Random(1404), NOW)
    second = writing.compose(200, random.Random(1404), NOW)
    assert [(d.title, d.body, d.created_at, d.plan) for d in first] == [
        (d.title, d.body, d.created_at, d.plan) for d in second
    ]


def test_the_seeded_city_shows_every_step_of_a_posts_life_and_its_calls_for_ideas(app):
    seed_demo(post_count=120)
    db.session.commit()
    posts = list(db.session.scalars(select(Post)))
    assert len(posts) == 120
    assert {p.status for p in posts} == set(PostStatus)
    actions = set(db.session.scalars(select(StatusChange.action)))
    assert {"acknowledge", "start", "resolve", "decline", "dispute", "reopen", "hand_back", "mark_duplicate"} <= actions
    # Rejections give the author a reason; departments answer in Persian.
    notes = db.session.scalars(select(StatusChange.note).where(StatusChange.action.in_(("reject", "resolve"))))
    assert all(note and _persian(note) for note in notes)
    answers = Counter(db.session.scalars(select(FixQuestion.answer).where(FixQuestion.answer.is_not(None))))
    assert answers[FixAnswer.CONFIRMED] > answers[FixAnswer.DISPUTED] > 0
    # Duplicates point at a public original and are the only public posts that repeat a problem.
    public = [p for p in posts if p.status in PUBLIC_STATUSES and p.status is not PostStatus.DUPLICATE]
    assert len({p.title for p in public}) == len(public) and len({p.body for p in public}) == len(public)
    for post in posts:
        if post.status is PostStatus.DUPLICATE:
            original = db.session.get(Post, post.duplicate_of_id)
            assert original.is_public and original.title != post.title and original.author_id != post.author_id
        assert not BOSTON.search(f"{post.title} {post.body}")
        if post.latitude is not None:
            assert MASHHAD[0] < post.latitude < MASHHAD[2] and MASHHAD[1] < post.longitude < MASHHAD[3]
    assert sum(_persian(p.title) for p in posts) >= 0.85 * len(posts)
    # Calls for ideas: one closed with its outcome idea by idea, one open, one announced.
    now = utcnow()
    calls = list(db.session.scalars(select(Call).order_by(Call.opens_at)))
    closed, current, upcoming = calls
    assert closed.has_closed(now) and closed.outcome and closed.outcome_published_at < now
    assert current.is_open(now) and current.outcome is None
    assert upcoming.opens_at > now
    decided = db.session.scalars(select(CallIdea).where(CallIdea.call_id == closed.id)).all()
    assert {idea.is_taken_up for idea in decided} == {True, False}
    ideas_now = db.session.scalar(select(func.count()).select_from(CallIdea).where(CallIdea.call_id == current.id))
    assert ideas_now > 0
