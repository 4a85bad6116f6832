"""Who opens and runs calls for ideas, and who takes part."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.permissions import can_administer, can_participate, is_staff_of
from app.calls.models import Call


def can_open_call(user) -> bool:
    """Staff of a department (for it) and admins (for any department)."""
    return can_administer(user) or (
        can_participate(user) and user.role is Role.STAFF and user.department_id is not None
    )


def can_manage_call(user, call: Call) -> bool:
    """Extend it and publish its outcome: the department's staff and admins."""
    return is_staff_of(user, call.department_id)


def can_post_idea(user) -> bool:
    return can_participate(user)
