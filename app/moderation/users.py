"""Moderating people: finding users, blocking and unblocking them, changing roles (admins)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.core.text import clean_text
from app.moderation import audit
from app.moderation.permissions import can_block, can_change_role
from app.moderation.services import ModerationError

REASON_MAX = 500


def users_query(
    *, text: str | None = None, role: Role | None = None, blocked: bool | None = None, by_email: bool = False
) -> Select:
    """Users matching a name (or, if by_email, e-mail) fragment, a role and a blocked state; newest first."""
    query = select(User)
    text = clean_text(text)
    if text:
        pattern = f"%{text.lower().replace('%', '').replace('_', '')}%"
        matches = [func.lower(User.display_name).like(pattern)]
        if by_email:
            matches.append(func.lower(User.email).like(pattern))
        query = query.where(or_(*matches))
    if role is not None:
        query = query.where(User.role == role)
    if blocked is not None:
        query = query.where(User.is_blocked.is_(blocked))
    return query.order_by(User.id.desc())  # newest first, along the primary key


def block(actor, user: User, reason: str) -> None:
    """Block a user: they still read, but may not post, vote, comment or flag."""
    if not can_block(actor, user):
        raise ModerationError(_("You may not block this account."))
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ModerationError(_("Write the reason: the user will read it."), "reason")
    if len(reason) > REASON_MAX:
        raise ModerationError(_("The reason must be at most %(max)d characters long.", max=REASON_MAX), "reason")
    if user.is_blocked:
        raise ModerationError(_("This account is already blocked."))
    accounts.block_user(user, reason)
    audit.record(actor, "block", user, note=reason)


def unblock(actor, user: User, note: str | None = None) -> None:
    if not can_block(actor, user):
        raise ModerationError(_("You may not unblock this account."))
    if not user.is_blocked:
        raise ModerationError(_("This account is not blocked."))
    accounts.unblock_user(user)
    audit.record(actor, "unblock", user, note=clean_text(note, multiline=True) or None)


def change_role(actor: User | None, user: User, role: Role, department=None) -> None:
    """Give a user another role; staff belong to exactly one active department.

    `actor` None is the site's operator at the command line (`flask users set-role`): whoever runs
    the command owns the site, so nothing is checked but the rules; the audit entry names no actor."""
    if actor is not None and not can_change_role(actor, user):
        raise ModerationError(_("You may not change this account's role."))
    if role is Role.STAFF and (department is None or not department.is_active):
        raise ModerationError(_("Choose the department this staff member works for."), "department")
    department = department if role is Role.STAFF else None
    if user.role is role and user.department_id == (department.id if department else None):
        raise ModerationError(_("Nothing changed."))
    before = {"role": user.role.value, "department": user.department.slug if user.department else None}
    user.role = role
    user.department = department
    audit.record(
        actor,
        "change_role",
        user,
        details={
            "from": before,
            "to": {"role": role.value, "department": department.slug if department else None},
        },
    )
