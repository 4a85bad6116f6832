"""Who may do what, as plain predicates shared by routes, templates and the API."""

from __future__ import annotations

from flask import current_app

from app.accounts.models import Role


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_write(user) -> bool:
    """Open the forms and keep what one typed: any signed-in user who is not blocked."""
    return is_signed_in(user) and not user.is_blocked


def needs_verification(user) -> bool:
    """True while the site asks this signed-in user to confirm their e-mail address first."""
    return (
        is_signed_in(user)
        and not user.is_verified
        and bool(current_app.config.get("EMAIL_VERIFICATION_REQUIRED", True))
    )


def can_participate(user) -> bool:
    """Post, vote, comment and flag: signed in, not blocked, and with a confirmed e-mail address."""
    return can_write(user) and not needs_verification(user)


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
