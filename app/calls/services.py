"""Opening, extending and answering calls for ideas; posting ideas into them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.calls import images
from app.calls.models import Call, CallEvent, CallIdea
from app.core.db import utcnow
from app.core.errors import DomainConflictError, DomainError
from app.core.text import clean_text
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.posts.models import Category, Post, PostKind, Vote
from app.posts.places import is_in_city
from app.posts.services import submit_post

TITLE_MAX, QUESTION_MAX, TEXT_MAX = 150, 300, 5000
MAX_DAYS = 366  # a call longer than a year is not a call
MAX_CATEGORIES = 10
AREA_RADIUS_MIN_M, AREA_RADIUS_MAX_M = 100, 15_000  # a street corner to most of the city


@dataclass(frozen=True)
class Area:
    """A circle on the map: its centre and radius in metres."""

    latitude: float
    longitude: float
    radius_m: int


class CallError(DomainError):
    """The call cannot be opened or changed like this (422)."""


class CallClosedError(DomainConflictError):
    """The call takes no ideas or votes now (409)."""


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def start_of_day(day: date) -> datetime:
    """Midnight at the start of the day in the city's time zone, as naive UTC (how times are stored)."""
    return datetime.combine(day, time(), _zone()).astimezone(UTC).replace(tzinfo=None)


def last_moment(call: Call) -> datetime:
    """The last moment the call takes ideas (UTC): pages show its date as the last day."""
    return call.closes_at - timedelta(seconds=1)


def _check_text(title: str, question: str, description: str) -> tuple[str, str, str]:
    title, question = clean_text(title), clean_text(question)
    description = clean_text(description, multiline=True)
    if not title or len(title) > TITLE_MAX:
        raise CallError(_("Write a title of at most %(max)d characters.", max=TITLE_MAX), field="title")
    if not question or len(question) > QUESTION_MAX:
        raise CallError(_("Write the question of at most %(max)d characters.", max=QUESTION_MAX), field="question")
    if len(description) > TEXT_MAX:
        raise CallError(
            _("The description must be at most %(max)d characters long.", max=TEXT_MAX), field="description"
        )
    return title, question, description


def open_call(
    actor,
    *,
    department,
    categories: Sequence[Category | None],
    title: str,
    question: str,
    description: str = "",
    opens_on: date,
    closes_on: date,
    area: Area | None = None,
    image: images.StoredImage | None = None,
    now: datetime | None = None,
) -> Call:
    """Open a call from the start of `opens_on` to the end of `closes_on`, both in the city's time zone.

    `image`: an image stored from the form (`images.store_image`), or None; `area`: the circle the call
    is about, or None."""
    now = now or utcnow()
    title, question, description = _check_text(title, question, description)
    categories = _check_categories(categories)
    opens_at, closes_at = start_of_day(opens_on), start_of_day(closes_on + timedelta(days=1))
    if closes_at <= now:
        raise CallError(_("The closing date has passed."), field="closes_on")
    if closes_on < opens_on:
        raise CallError(_("The call must close on or after the day it opens."), field="closes_on")
    if (closes_on - opens_on).days > MAX_DAYS:
        raise CallError(_("A call may run for at most %(days)d days.", days=MAX_DAYS), field="closes_on")
    area = _check_area(area)
    call = Call(
        title=title,
        question=question,
        description=description,
        department_id=department.id,
        category_id=categories[0].id,
        categories=categories,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=actor.id,
        created_at=now,
    )
    if area is not None:
        call.area_latitude, call.area_longitude, call.area_radius_m = area.latitude, area.longitude, area.radius_m
    if image is not None:
        call.image_key, call.image_thumb_key, call.image_content_type = (
            image.file_key,
            image.thumb_key,
            image.content_type,
        )
    db.session.add(call)
    db.session.flush()
    db.session.add(
        CallEvent(call_id=call.id, action="opened", actor_id=actor.id, new_closes_at=closes_at, created_at=now)
    )
    return call


def _check_categories(categories: Sequence[Category | None]) -> list[Category]:
    chosen = {c.id: c for c in categories if c is not None}
    if not chosen or len(categories) != len(chosen):
        raise CallError(_("Choose at least one category that takes ideas."), field="categories")
    if len(chosen) > MAX_CATEGORIES:
        raise CallError(_("Choose at most %(max)d categories.", max=MAX_CATEGORIES), field="categories")
    if not all(c.is_active and c.accepts(PostKind.IDEA) for c in chosen.values()):
        raise CallError(_("Choose categories that take ideas."), field="categories")
    return [chosen[key] for key in sorted(chosen)]


def _check_area(area: Area | None) -> Area | None:
    if area is None:
        return None
    if not is_in_city(area.latitude, area.longitude):
        raise CallError(_("Choose a centre inside the city."), field="area_latitude")
    if not AREA_RADIUS_MIN_M <= area.radius_m <= AREA_RADIUS_MAX_M:
        raise CallError(
            _("The radius must be %(min)d to %(max)d metres.", min=AREA_RADIUS_MIN_M, max=AREA_RADIUS_MAX_M),
            field="area_radius_m",
        )
    return Area(round(area.latitude, 5), round(area.longitude, 5), area.radius_m)


def idea_count(call: Call) -> int:
    return db.session.scalar(select(func.count()).select_from(CallIdea).where(CallIdea.call_id == call.id))


def change_closing(call: Call, actor, closes_on: date, *, now: datetime | None = None) -> CallEvent:
    """Move the closing date: later always (while the outcome is not out), earlier only while no idea exists."""
    now = now or utcnow()
    closes_at = start_of_day(closes_on + timedelta(days=1))
    if call.outcome_published_at is not None:
        raise CallClosedError(_("The outcome is published: the call cannot be extended any more."))
    if closes_at == call.closes_at:
        raise CallError(_("That is already the closing date."), field="closes_on")
    if closes_at <= now or closes_at <= call.opens_at:
        raise CallError(_("Choose a closing date after today and after the opening date."), field="closes_on")
    if closes_at < call.closes_at and idea_count(call):
        raise CallError(_("Residents have posted ideas: the call can be extended, never shortened."), field="closes_on")
    if (closes_at - call.opens_at).days > MAX_DAYS + 1:
        raise CallError(_("A call may run for at most %(days)d days.", days=MAX_DAYS), field="closes_on")
    event = CallEvent(
        call_id=call.id,
        action="extended" if closes_at > call.closes_at else "shortened",
        actor_id=actor.id,
        old_closes_at=call.closes_at,
        new_closes_at=closes_at,
        created_at=now,
    )
    call.closes_at = closes_at
    db.session.add(event)
    return event


def submit_idea(
    call: Call,
    author,
    *,
    title: str,
    body: str,
    category: Category | None = None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    now: datetime | None = None,
) -> Post:
    """Post an idea into an open call: it waits for moderation like any post, filed in one of the call's
    categories (`category`; may be left out when the call has only one)."""
    if not call.is_open(now or utcnow()):
        raise CallClosedError(_("This call is not taking ideas now."))
    offered = call.categories
    if category is None and len(offered) == 1:
        category = offered[0]
    if category is None or category not in offered or not category.is_active:
        raise CallError(_("Choose one of the call's categories."), field="category")
    post = submit_post(
        author,
        kind=PostKind.IDEA,
        title=title,
        body=body,
        category=category,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )
    db.session.add(CallIdea(post_id=post.id, call_id=call.id))
    db.session.flush()
    return post


def call_of(post: Post) -> CallIdea | None:
    """The call an idea was posted into, with what the outcome said of it."""
    return db.session.get(CallIdea, post.id)


# Asked before every vote on an idea: two columns, the statement built once.
_CALL_DATES = (
    select(Call.opens_at, Call.closes_at)
    .join(CallIdea, CallIdea.call_id == Call.id)
    .where(CallIdea.post_id == bindparam("post"))
)


def is_in_closed_call(post: Post, now: datetime) -> bool:
    """Whether the post is an idea posted into a call that is not open now (it takes no votes)."""
    if post.kind is not PostKind.IDEA:  # only ideas are posted into calls
        return False
    dates = db.session.execute(_CALL_DATES, {"post": post.id}).first()
    return dates is not None and not dates.opens_at <= now < dates.closes_at


def idea_ids(call: Call) -> set[int]:
    """The posts written into the call, public or not (callers re-check what they show)."""
    return set(db.session.scalars(select(CallIdea.post_id).where(CallIdea.call_id == call.id)))


def ranked_ideas(call: Call) -> list[tuple[Post, CallIdea]]:
    """The call's public ideas, most supported first."""
    rows = db.session.execute(
        select(Post, CallIdea)
        .join(CallIdea, CallIdea.post_id == Post.id)
        .where(CallIdea.call_id == call.id, Post.is_listed.is_(True))
        .order_by(Post.support.desc(), Post.created_at)
    )
    return [(post, idea) for post, idea in rows]


@dataclass(frozen=True)
class Decision:
    post_id: int
    is_taken_up: bool
    note: str


def publish_outcome(call: Call, actor, summary: str, decisions: list[Decision], *, now: datetime | None = None) -> int:
    """Publish the department's answer once the call has closed; notify everyone who took part.

    Returns how many residents were notified."""
    now = now or utcnow()
    if not call.has_closed(now):
        raise CallClosedError(_("The outcome is published after the call closes."))
    if call.outcome_published_at is not None:
        raise CallClosedError(_("The outcome of this call is already published."))
    summary = clean_text(summary, multiline=True)
    if not summary or len(summary) > TEXT_MAX:
        raise CallError(_("Write the outcome in at most %(max)d characters.", max=TEXT_MAX), field="outcome")
    ideas = {idea.post_id: idea for _post, idea in ranked_ideas(call)}
    for decision in decisions:
        idea = ideas.get(decision.post_id)
        if idea is None:
            raise CallError(_("One of the ideas is not in this call."))
        note = clean_text(decision.note, multiline=True) or None
        if note and len(note) > TEXT_MAX:
            raise CallError(_("A reason must be at most %(max)d characters long.", max=TEXT_MAX))
        idea.is_taken_up, idea.outcome_note = decision.is_taken_up, note
    call.outcome, call.outcome_published_at = summary, now
    db.session.add(CallEvent(call_id=call.id, action="outcome", actor_id=actor.id, created_at=now))
    participants = participant_ids(call)
    notify(
        participants, NotificationKind.CALL_OUTCOME, actor=actor, extra={"call_id": call.id, "call_title": call.title}
    )
    return len(participants - {actor.id})


def participant_ids(call: Call) -> set[int]:
    """Residents who took part: authors of the call's ideas and those who voted on them."""
    post_ids = select(CallIdea.post_id).where(CallIdea.call_id == call.id)
    authors = db.session.scalars(select(Post.author_id).where(Post.id.in_(post_ids)))
    voters = db.session.scalars(select(Vote.user_id).where(Vote.post_id.in_(post_ids)))
    return {*authors, *voters}


def events(call: Call) -> list[CallEvent]:
    return list(
        db.session.scalars(
            select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.created_at, CallEvent.id)
        )
    )


def calls_by_state(now: datetime | None = None) -> dict[str, list[Call]]:
    """Every call, as the list page shows them: open (closing soonest first), upcoming, closed."""
    now = now or utcnow()
    calls = list(db.session.scalars(select(Call).order_by(Call.closes_at)))
    return {
        "open": [c for c in calls if c.is_open(now)],
        "upcoming": [c for c in calls if now < c.opens_at],
        "closed": sorted((c for c in calls if c.has_closed(now)), key=lambda c: c.closes_at, reverse=True),
    }


def announced_calls(now: datetime | None = None, limit: int = 3) -> list[Call]:
    """Open calls for the home page, closing soonest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Call).where(Call.opens_at <= now, Call.closes_at > now).order_by(Call.closes_at).limit(limit)
        )
    )
