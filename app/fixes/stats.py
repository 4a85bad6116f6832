"""Per department: how many resolutions residents confirmed, and how long a confirmed fix took."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.db import utcnow
from app.departments.models import Department
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation.models import StatusChange


@dataclass
class Confirmations:
    department: Department
    resolved: int  # resolutions in the window
    confirmed: int  # confirmed by at least one resident and disputed by none
    disputed: int  # disputed by at least one resident
    median_days_to_confirmed_fix: float | None  # from forwarding to a resolution residents confirmed

    @property
    def confirmed_share(self) -> float | None:
        return self.confirmed / self.resolved if self.resolved else None


def confirmation_stats(now: datetime | None = None, days: int = 90) -> list[Confirmations]:
    """Resolutions made in the window, per department, beside what residents said of them."""
    since = (now or utcnow()) - timedelta(days=days)
    resolutions = db.session.execute(
        select(StatusChange.id, StatusChange.post_id, StatusChange.department_id, StatusChange.created_at).where(
            StatusChange.action == "resolve", StatusChange.created_at >= since, StatusChange.department_id.is_not(None)
        )
    ).all()
    if not resolutions:
        return []
    answers: dict[int, set[FixAnswer]] = {}
    for resolution_id, answer in db.session.execute(
        select(FixQuestion.resolution_id, FixQuestion.answer).where(
            FixQuestion.resolution_id.in_([r.id for r in resolutions]), FixQuestion.answer.is_not(None)
        )
    ):
        answers.setdefault(resolution_id, set()).add(answer)
    forwards: dict[int, list[datetime]] = {}
    for post_id, at in db.session.execute(
        select(StatusChange.post_id, StatusChange.created_at)
        .where(StatusChange.action == "forward", StatusChange.post_id.in_({r.post_id for r in resolutions}))
        .order_by(StatusChange.created_at)
    ):
        forwards.setdefault(post_id, []).append(at)

    by_department: dict[int, dict] = {}
    for resolution in resolutions:
        row = by_department.setdefault(
            resolution.department_id, {"resolved": 0, "confirmed": 0, "disputed": 0, "days": []}
        )
        row["resolved"] += 1
        said = answers.get(resolution.id, set())
        if FixAnswer.DISPUTED in said:
            row["disputed"] += 1
        elif FixAnswer.CONFIRMED in said:
            row["confirmed"] += 1
            started = [at for at in forwards.get(resolution.post_id, []) if at <= resolution.created_at]
            if started:
                row["days"].append((resolution.created_at - started[-1]).total_seconds() / 86400)
    departments = db.session.scalars(select(Department).where(Department.id.in_(by_department)).order_by(Department.id))
    return [
        Confirmations(
            d,
            by_department[d.id]["resolved"],
            by_department[d.id]["confirmed"],
            by_department[d.id]["disputed"],
            statistics.median(by_department[d.id]["days"]) if by_department[d.id]["days"] else None,
        )
        for d in departments
    ]
