"""The demo city's calls for ideas: one closed with its outcome (after an extension), one open now
with ideas coming in, and one announced for later."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update

from app.accounts.models import User
from app.calls import services as calls
from app.calls.models import Call
from app.demo import data, replies
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import Notification, NotificationKind
from app.posts.models import Post

OUTCOME_AFTER = timedelta(days=9)  # the department's answer, some days after closing


@dataclass
class CityCalls:
    closed: Call | None = None
    closed_ideas: list[Post] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    votes_until: dict[int, datetime] = field(default_factory=dict)  # ideas of a closed call: votes before it closed


def idea_counts(post_count: int) -> tuple[int, int]:
    """How many of the demo's posts are ideas sent into the closed and the open call."""
    return min(len(replies.CALL_CLOSED_IDEAS), post_count // 10), min(len(replies.CALL_OPEN_IDEAS), post_count // 15)


def open_calls(departments, categories, users, rng: random.Random, now: datetime, counts: tuple[int, int]) -> CityCalls:
    staff = {member.department_id: member for member in users["staff"]}
    result = CityCalls()

    def call(texts, opens_on, closes_on, at: datetime) -> Call:
        department_slug, category_slug, title, question, description = texts
        department = departments[department_slug]
        return calls.open_call(
            staff[department.id],
            department=department,
            categories=[categories[category_slug]],
            title=title,
            question=question,
            description=description,
            opens_on=opens_on,
            closes_on=closes_on,
            now=at,
        )

    opens = (now - timedelta(days=150)).date()
    closed = call(replies.CALL_CLOSED, opens, opens + timedelta(days=30), now - timedelta(days=152))
    calls.change_closing(closed, staff[closed.department_id], opens + timedelta(days=37), now=now - timedelta(days=126))
    result.closed = closed
    result.closed_ideas = _ideas(closed, replies.CALL_CLOSED_IDEAS[: counts[0]], users, rng, closed.closes_at, result)

    opens = (now - timedelta(days=10)).date()
    current = call(replies.CALL_OPEN, opens, (now + timedelta(days=20)).date(), now - timedelta(days=12))
    _ideas(current, replies.CALL_OPEN_IDEAS[: counts[1]], users, rng, now - timedelta(hours=3), result, last_waits=True)

    call(
        replies.CALL_UPCOMING,
        (now + timedelta(days=7)).date(),
        (now + timedelta(days=37)).date(),
        now - timedelta(days=1),
    )
    return result


def _ideas(call: Call, texts, users, rng: random.Random, until: datetime, result: CityCalls, *, last_waits=False):
    """Residents' ideas sent while the call was open, approved a few hours later (the newest of an
    open call may still wait for a moderator)."""
    residents, moderator = users["residents"], users["moderators"][0]
    english_writers = [r for r in residents if r.display_name in data.ENGLISH_NAMES] or residents
    moments = sorted(call.opens_at + (until - call.opens_at) * rng.random() for _ in texts)
    ideas = []
    for number, ((title, body), moment) in enumerate(zip(texts, moments, strict=True)):
        english = not any("\u0600" <= ch <= "\u06ff" for ch in title)
        author = rng.choice(english_writers if english else residents)
        post = calls.submit_idea(call, author, title=title, body=body, now=moment)
        post.created_at = post.updated_at = post.last_activity_at = moment
        ideas.append(post)
        result.posts.append(post)
        if last_waits and number == len(texts) - 1 and number > 1:
            continue
        change = workflow.transition(post, "approve", moderator)
        change.created_at = post.published_at = post.last_activity_at = moment + timedelta(hours=rng.uniform(2, 20))
        if call.closes_at <= until:
            result.votes_until[post.id] = call.closes_at - timedelta(minutes=5)
    return ideas


def publish_outcome(city: CityCalls, now: datetime) -> None:
    """The department's answer to the closed call, idea by idea, and the notices to those who took part."""
    call = city.closed
    if call is None or not city.closed_ideas:
        return
    moment = min(call.closes_at + OUTCOME_AFTER, now - timedelta(hours=1))
    author = db.session.get(User, call.created_by_id)  # the staff member who opened it
    decisions = [
        calls.Decision(post.id, taken_up, note)
        for post, (taken_up, note) in zip(city.closed_ideas, replies.CALL_CLOSED_DECISIONS, strict=False)
        if post.is_listed
    ]
    calls.publish_outcome(call, author, replies.CALL_CLOSED_OUTCOME, decisions, now=moment)
    db.session.execute(
        update(Notification).where(Notification.kind == NotificationKind.CALL_OUTCOME).values(created_at=moment),
        execution_options={"synchronize_session": False},
    )
