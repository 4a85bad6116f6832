"""Public statistics: what residents reported, where it went, and how fast departments answered."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.core.db import utcnow
from app.departments.models import Department
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import OPEN_STATUSES, PUBLIC_STATUSES, Category, Post, PostStatus

WINDOW_DAYS = 90


def posts_by_status() -> dict[PostStatus, int]:
    """Every post by status (pending and rejected counted too: how much is filtered is public)."""
    return dict(db.session.execute(select(Post.status, func.count()).group_by(Post.status)).all())


def posts_by_category() -> list[tuple[Category, int]]:
    rows = db.session.execute(
        select(Category, func.count(Post.id))
        .join(Post, Post.category_id == Category.id)
        .where(Post.status.in_(PUBLIC_STATUSES), Post.is_hidden.is_(False))
        .group_by(Category.id)
        .order_by(func.count(Post.id).desc(), Category.position)
    )
    return [(category, count) for category, count in rows]


def posts_by_department() -> list[tuple[Department, int]]:
    rows = db.session.execute(
        select(Department, func.count(Post.id))
        .join(Post, Post.department_id == Department.id)
        .where(Post.is_hidden.is_(False))
        .group_by(Department.id)
        .order_by(func.count(Post.id).desc(), Department.id)
    )
    return [(department, count) for department, count in rows]


@dataclass
class ResponseTimes:
    department: Department
    forwarded: int
    responded: int
    resolved: int
    median_first_response: timedelta | None
    median_resolution: timedelta | None


def _median(values: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values)) if values else None


def response_times(now: datetime | None = None, days: int = WINDOW_DAYS) -> list[ResponseTimes]:
    """Per department, for posts forwarded in the window: median time to the first official
    response and to resolution, counted from the forwarding (posts still waiting are not in a median)."""
    since = (now or utcnow()) - timedelta(days=days)
    forwarded_recently = select(StatusChange.post_id).where(
        StatusChange.action == "forward", StatusChange.created_at >= since
    )
    changes = db.session.execute(
        select(
            StatusChange.post_id,
            StatusChange.action,
            StatusChange.department_id,
            StatusChange.is_official,
            StatusChange.created_at,
        )
        .where(StatusChange.post_id.in_(forwarded_recently))
        .order_by(StatusChange.post_id, StatusChange.created_at, StatusChange.id)
    ).all()
    first: dict[int, list[timedelta]] = {}
    resolution: dict[int, list[timedelta]] = {}
    forwarded: dict[int, int] = {}
    open_forward: dict[int, tuple[int, datetime, bool]] = {}  # post -> (department, at, answered)
    for post_id, action, department_id, is_official, at in changes:
        if action == "forward":
            open_forward[post_id] = (department_id, at, False)
            if at >= since:
                forwarded[department_id] = forwarded.get(department_id, 0) + 1
            continue
        current = open_forward.get(post_id)
        if current is None or current[1] < since:
            continue
        department, start, answered = current
        if is_official and not answered:
            first.setdefault(department, []).append(at - start)
            open_forward[post_id] = (department, start, True)
        if action == "resolve":
            resolution.setdefault(department, []).append(at - start)
        if action in ("hand_back", "resolve", "decline"):
            open_forward.pop(post_id, None)
    departments = db.session.scalars(select(Department).where(Department.id.in_(forwarded)).order_by(Department.id))
    return [
        ResponseTimes(
            d,
            forwarded[d.id],
            len(first.get(d.id, [])),
            len(resolution.get(d.id, [])),
            _median(first.get(d.id, [])),
            _median(resolution.get(d.id, [])),
        )
        for d in departments
    ]


def most_supported_open(limit: int = 10) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.is_listed.is_(True), Post.status.in_(OPEN_STATUSES))
            .order_by(Post.support.desc(), Post.created_at.desc())
            .limit(limit)
        )
    )
