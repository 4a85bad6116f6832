"""Per department: how many resolutions residents confirmed, and how long a confirmed fix took."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from app.core.db import seconds_between, utcnow
from app.departments.models import Department
from app.departments.stats import Named
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation.models import StatusChange


@dataclass(frozen=True)
class Confirmations:
    department: Named
    resolved: int  # resolutions in the window
    confirmed: int  # confirmed by at least one resident and disputed by none
    disputed: int  # disputed by at least one resident
    median_days_to_confirmed_fix: float | None  # from forwarding to a resolution residents confirmed

    @property
    def confirmed_share(self) -> float | None:
        return self.confirmed / self.resolved if self.resolved else None


def _answered(resolution, answer: FixAnswer):
    return exists().where(FixQuestion.resolution_id == resolution.id, FixQuestion.answer == answer)


def confirmation_stats(now: datetime | None = None, days: int = 90) -> list[Confirmations]:
    """Resolutions made in the window, per department, beside what residents said of them.

    One row per resolution (by the index on action and time), its answers and the forwarding before
    it looked up by index in the database: nothing else of the posts' histories is read."""
    since = (now or utcnow()) - timedelta(days=days)
    resolution, forward = aliased(StatusChange, name="resolution"), aliased(StatusChange, name="fw")
    started = (
        select(func.max(forward.created_at))
        .where(
            forward.post_id == resolution.post_id,
            forward.action == "forward",
            forward.created_at <= resolution.created_at,
        )
        .correlate(resolution)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            resolution.department_id,
            _answered(resolution, FixAnswer.DISPUTED),
            _answered(resolution, FixAnswer.CONFIRMED),
            seconds_between(resolution.created_at, started),
        ).where(
            resolution.action == "resolve",
            resolution.created_at >= since,
            resolution.department_id.is_not(None),
        )
    ).all()
    by_department: dict[int, dict] = {}
    for department_id, disputed, confirmed, seconds in rows:
        row = by_department.setdefault(department_id, {"resolved": 0, "confirmed": 0, "disputed": 0, "days": []})
        row["resolved"] += 1
        if disputed:
            row["disputed"] += 1
        elif confirmed:
            row["confirmed"] += 1
            if seconds is not None:
                row["days"].append(seconds / 86400)
    departments = db.session.execute(
        select(Department.id, Department.name_fa, Department.name_en)
        .where(Department.id.in_(by_department))
        .order_by(Department.id)
    ).all()
    return [
        Confirmations(
            Named(d.id, d.name_fa, d.name_en),
            by_department[d.id]["resolved"],
            by_department[d.id]["confirmed"],
            by_department[d.id]["disputed"],
            statistics.median(by_department[d.id]["days"]) if by_department[d.id]["days"] else None,
        )
        for d in departments
    ]
