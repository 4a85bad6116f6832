"""Accounts: creating users, checking passwords, slowing down password guessing."""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.extensions import db


class AccountError(DomainError):
    """A rule about accounts was broken; `field` names the form field it belongs to."""


class LoginThrottledError(AccountError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    # Addresses are stored normalised (create_user), so the unique index answers: no lower() scan
    # of every user at each sign-in.
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(*, email: str, display_name: str, password: str, role: Role = Role.RESIDENT, department=None) -> User:
    """Add a user; raises AccountError if the e-mail address is taken."""
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    user = User(
        email=normalize_email(email),
        display_name=clean_text(display_name),
        password_hash=hash_password(password),
        role=role,
        department=department,
        session_token=secrets.token_hex(16),
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and sign the user out of every other session."""
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)


def _login_delay(user: User) -> int:
    """Seconds the account must wait before the next try: doubling after the free failures."""
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if user.failed_logins < free or user.last_failed_login_at is None:
        return 0
    delay = min(2 ** (user.failed_logins - free), current_app.config["LOGIN_MAX_DELAY_SECONDS"])
    waited = (utcnow() - user.last_failed_login_at).total_seconds()
    return max(0, int(delay - waited + 0.999))


def authenticate(email: str, password: str) -> User | None:
    """The user with this e-mail and password, or None; raises LoginThrottledError while slowed down."""
    user = find_user_by_email(email)
    hasher = _hasher()
    if user is None:
        # Spend the same time as a real check, so that response times do not reveal accounts.
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password + "x")
        return None
    wait = _login_delay(user)
    if wait:
        raise LoginThrottledError(
            _("Too many failed attempts. Please wait %(seconds)s seconds and try again.", seconds=wait),
            retry_after=wait,
        )
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins = User.failed_logins + 1  # in SQL: parallel failures all count
        user.last_failed_login_at = utcnow()
        return None
    user.failed_logins = 0
    user.last_failed_login_at = None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


_DUMMY: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash(secrets.token_hex(8))
    return _DUMMY[key]


def load_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, if its session token is still current."""
    ident, _sep, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def block_user(user: User, reason: str) -> None:
    user.is_blocked = True
    user.blocked_reason = clean_text(reason)


def unblock_user(user: User) -> None:
    user.is_blocked = False
    user.blocked_reason = None


def update_profile(user: User, *, display_name: str, locale: str | None) -> None:
    """Change what the user may change about themselves."""
    user.display_name = clean_text(display_name)
    user.locale = locale
