"""A call for ideas, opened by its department's staff through the service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.calls import services
from app.core.db import utcnow
from app.extensions import db


@pytest.fixture
def open_call(make):
    """open_call(days=7) -> (call, staff): open from today for that many days."""

    def build(days: int = 7, **fields):
        department = fields.pop("department", None) or make.department()
        category = make.category(department=department)
        staff = make.user(Role.STAFF, department=department)
        today = (utcnow() + timedelta(hours=3, minutes=30)).date()  # Tehran's day
        call = services.open_call(
            staff,
            department=department,
            categories=[category],
            title=fields.pop("title", "پیاده‌راه خیابان احمدآباد"),
            question=fields.pop("question", "چه چیزی پیاده‌روی در احمدآباد را بهتر می‌کند؟"),
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=days),
        )
        db.session.commit()
        return call, staff

    return build


def close(call) -> None:
    """Time passes: the call closed an hour ago."""
    call.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
