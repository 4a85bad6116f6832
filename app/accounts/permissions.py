"""Who may do what, as plain predicates shared by routes, templates and the API."""

from __future__ import annotations

from app.accounts.models import Role


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_participate(user) -> bool:
    """Post, vote, comment and flag: any signed-in user who is not blocked."""
    return is_signed_in(user) and not user.is_blocked


# Blocking takes every power away, not only taking part: a blocked moderator, staff member (or,
# through the CLI, admin) keeps reading but neither moderates nor works a department's queue.


def can_moderate(user) -> bool:
    return can_participate(user) and user.role in (Role.MODERATOR, Role.ADMIN)


def can_administer(user) -> bool:
    return can_participate(user) and user.role is Role.ADMIN


def is_staff_of(user, department_id: int | None) -> bool:
    """True for staff of that department (admins count as staff of every department); never when blocked."""
    if not can_participate(user) or department_id is None:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.STAFF and user.department_id == department_id
