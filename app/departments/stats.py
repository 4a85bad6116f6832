"""Public statistics: what residents reported, where it went, and how fast departments answered."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.core.cache import remembered
from app.core.db import seconds_between, utcnow
from app.departments.models import Department
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import OPEN_STATUSES, PUBLIC_STATUSES, Category, Post, PostStatus

WINDOW_DAYS = 90


@dataclass(frozen=True)
class Named:
    """A category or a department as the charts show it (plain values: kept between requests)."""

    id: int
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class PostCounts:
    by_status: dict[PostStatus, int]  # every post (pending and rejected too: how much is filtered is public)
    by_category: list[tuple[Named, int]]  # public posts, most first
    by_department: list[tuple[Named, int]]  # posts not hidden that reached a department, most first


def post_counts() -> PostCounts:
    """The three counting charts from one GROUP BY that reads only a covering index
    (ix_post_status_counts): a few hundred groups at most, whatever the number of posts."""
    groups = db.session.execute(
        select(Post.status, Post.is_hidden, Post.category_id, Post.department_id, func.count()).group_by(
            Post.status, Post.is_hidden, Post.category_id, Post.department_id
        )
    ).all()
    by_status: dict[PostStatus, int] = {}
    by_category: dict[int, int] = {}
    by_department: dict[int, int] = {}
    for status, is_hidden, category_id, department_id, count in groups:
        by_status[status] = by_status.get(status, 0) + count
        if is_hidden:
            continue
        if status in PUBLIC_STATUSES:
            by_category[category_id] = by_category.get(category_id, 0) + count
        if department_id is not None:
            by_department[department_id] = by_department.get(department_id, 0) + count
    categories = db.session.execute(
        select(Category.id, Category.name_fa, Category.name_en, Category.position).where(Category.id.in_(by_category))
    ).all()
    departments = db.session.execute(
        select(Department.id, Department.name_fa, Department.name_en).where(Department.id.in_(by_department))
    ).all()
    return PostCounts(
        by_status,
        [
            (Named(c.id, c.name_fa, c.name_en), by_category[c.id])
            for c in sorted(categories, key=lambda c: (-by_category[c.id], c.position, c.id))
        ],
        [
            (Named(d.id, d.name_fa, d.name_en), by_department[d.id])
            for d in sorted(departments, key=lambda d: (-by_department[d.id], d.id))
        ],
    )


@dataclass(frozen=True)
class ResponseTimes:
    department: Named
    forwarded: int
    responded: int
    resolved: int
    median_first_response: timedelta | None
    median_resolution: timedelta | None


def _median(seconds: list[float]) -> timedelta | None:
    # To the millisecond: SQLite's julianday() arithmetic is a float a few microseconds off.
    return timedelta(seconds=round(statistics.median(seconds), 3)) if seconds else None


_CLOSING = ("forward", "hand_back", "resolve", "decline")  # what ends a post's time with a department


def _after(row, other):
    """`row` comes after `other` on the same post's timeline (by time, then by id)."""
    return and_(
        row.post_id == other.post_id,
        or_(row.created_at > other.created_at, and_(row.created_at == other.created_at, row.id > other.id)),
    )


def response_times(now: datetime | None = None, days: int = WINDOW_DAYS) -> list[ResponseTimes]:
    """Per department, for posts forwarded in the window: median time to the first official
    response and to resolution, counted from the forwarding (posts still waiting are not in a median).

    Each forwarding in the window is one row, found by its index (action, created_at); what ended it
    and its first official answer are index look-ups on its post's timeline (post_id, created_at), and
    the durations are computed by the database: no post's whole history is read."""
    since = (now or utcnow()) - timedelta(days=days)
    forward, later = aliased(StatusChange, name="fw"), aliased(StatusChange, name="later")

    def first_after(*conditions):
        return (
            select(later.id)
            .where(_after(later, forward), *conditions)
            .order_by(later.created_at, later.id)
            .limit(1)
            .correlate(forward)
            .scalar_subquery()
        )

    spells = (
        select(
            forward.department_id,
            forward.created_at.label("at"),
            first_after(later.action.in_(_CLOSING)).label("end_id"),
            first_after(later.is_official.is_(True), later.action != "forward").label("answer_id"),
        )
        .where(forward.action == "forward", forward.created_at >= since)
        .cte("spells")
    )
    end, answer = aliased(StatusChange, name="end_"), aliased(StatusChange, name="answer")
    answered_in_time = and_(
        answer.id.is_not(None),
        or_(
            end.id.is_(None),
            answer.created_at < end.created_at,
            and_(answer.created_at == end.created_at, answer.id <= end.id),
        ),
    )
    rows = db.session.execute(
        select(
            spells.c.department_id,
            case((answered_in_time, seconds_between(answer.created_at, spells.c.at))),
            case((end.action == "resolve", seconds_between(end.created_at, spells.c.at))),
        )
        .outerjoin(end, end.id == spells.c.end_id)
        .outerjoin(answer, answer.id == spells.c.answer_id)
    ).all()
    forwarded: dict[int, int] = {}
    first: dict[int, list[float]] = {}
    resolution: dict[int, list[float]] = {}
    for department_id, to_answer, to_resolve in rows:
        forwarded[department_id] = forwarded.get(department_id, 0) + 1
        if to_answer is not None:
            first.setdefault(department_id, []).append(to_answer)
        if to_resolve is not None:
            resolution.setdefault(department_id, []).append(to_resolve)
    departments = db.session.execute(
        select(Department.id, Department.name_fa, Department.name_en)
        .where(Department.id.in_(forwarded))
        .order_by(Department.id)
    ).all()
    return [
        ResponseTimes(
            Named(d.id, d.name_fa, d.name_en),
            forwarded[d.id],
            len(first.get(d.id, [])),
            len(resolution.get(d.id, [])),
            _median(first.get(d.id, [])),
            _median(resolution.get(d.id, [])),
        )
        for d in departments
    ]


@dataclass(frozen=True)
class Figures:
    counts: PostCounts
    times: list[ResponseTimes]


FIGURES_REFRESH_SECONDS = 600  # the window of response times moves on; figures are at most this old


def figures() -> Figures:
    """The statistics page's counts and response times, computed once per site-wide write (a new
    post, a status move, a renamed department) and at most every ten minutes, per process."""
    return remembered(
        "statistics", lambda: Figures(post_counts(), response_times()), every_seconds=FIGURES_REFRESH_SECONDS
    )


def most_supported_open(limit: int = 10) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.is_listed.is_(True), Post.status.in_(OPEN_STATUSES))
            .order_by(Post.support.desc(), Post.created_at.desc())
            .limit(limit)
        )
    )
