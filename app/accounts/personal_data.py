"""A user's own data: everything of theirs as JSON, and deleting the account."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete

from app.accounts import passwords
from app.accounts.models import LoginFailure, Role, User, UserSession
from app.accounts.services import AccountError
from app.accounts.signals import account_deleting, personal_data_requested
from app.core.db import utcnow
from app.extensions import db


def _when(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def export_data(user: User) -> dict:
    """Everything the site keeps about the user, ready for json.dumps."""
    data = {
        "account": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": _when(user.email_verified_at),
            "display_name": user.display_name,
            "role": user.role.value,
            "department_id": user.department_id,
            "locale": user.locale,
            "is_blocked": user.is_blocked,
            "blocked_reason": user.blocked_reason,
            "created_at": _when(user.created_at),
        },
    }
    for _receiver, sections in personal_data_requested.send(user):
        data.update(sections or {})
    return data


def delete_account(user: User, *, password: str) -> None:
    """Erase the user's personal data and end every sign-in. Their posts and comments stay (shown as
    by a former resident) and their votes stay counted: both belong to the city's public record."""
    if user.role is Role.ADMIN:
        raise AccountError(_("An administrator's account cannot be deleted; hand the role to someone else first."))
    if not passwords.verify_password(user.password_hash, password):
        raise AccountError(_("The password is not correct."), "password")
    account_deleting.send(user)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_key == user.email_key))
    placeholder = f"deleted-{user.id}@deleted.invalid"  # .invalid never delivers (RFC 2606)
    user.email = user.email_key = placeholder
    user.display_name = ""
    user.password_hash = "!"  # noqa: S105 - matches no password: nobody signs in as a former resident
    user.locale = None
    user.blocked_reason = None
    user.email_verified_at = None
    user.department_id = None
    user.role = Role.RESIDENT
    user.deleted_at = utcnow()
