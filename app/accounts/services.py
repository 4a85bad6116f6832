"""Accounts: creating users, signing in and out, slowing down password guessing, profiles."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts import names, passwords, tokens
from app.accounts.addresses import InvalidAddressError, email_key, normalize_email, safe_email_key
from app.accounts.models import LoginFailure, Role, User, UserSession
from app.accounts.signals import account_email
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.core.urls import absolute_url
from app.extensions import db

hash_password = passwords.hash_password


class AccountError(DomainError):
    """A rule about accounts was broken; `field` names the form field it belongs to."""


class LoginThrottledError(AccountError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def find_user_by_email(email: str) -> User | None:
    """The account of this mailbox (addresses are compared in their normal form), if any."""
    return db.session.scalar(select(User).where(User.email_key == safe_email_key(email)))


def _checked_address(email: str) -> tuple[str, str]:
    try:
        return normalize_email(email), email_key(email)
    except InvalidAddressError:
        raise AccountError(_("Enter a valid e-mail address."), "email") from None


def create_user(
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.RESIDENT,
    department=None,
    verified: bool = False,
) -> User:
    """Add a user; raises AccountError if the mailbox already has an account or a rule is broken."""
    address, key = _checked_address(email)
    display_name = names.checked_display_name(display_name, role)
    passwords.check_new_password(password, email=address, display_name=display_name)
    if db.session.scalar(select(User.id).where(User.email_key == key)) is not None:
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    user = User(
        email=address,
        email_key=key,
        display_name=display_name,
        password_hash=passwords.hash_password(password),
        role=role,
        department=department,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(
    *, email: str, display_name: str, password: str, locale: str | None = None, may_tell_owner: bool = True
) -> User | None:
    """A new resident with a verification link on its way; for a mailbox that already has an
    account, nothing is created and its owner is told by e-mail (the page says the same either way),
    unless `may_tell_owner` is False (the mailbox had its share of such e-mails lately).
    `locale`: the language this browser chose before, kept as the account's choice."""
    address, key = _checked_address(email)
    display_name = names.checked_display_name(display_name, Role.RESIDENT)
    passwords.check_new_password(password, email=address, display_name=display_name)
    owner = db.session.scalar(select(User).where(User.email_key == key))
    if owner is not None:
        passwords.hash_password(password)  # the same work as a new account: the timing tells nothing
        if may_tell_owner:
            account_email.send(owner, kind="signup_existing", link=absolute_url("accounts.forgot_password"))
        return None
    user = create_user(email=address, display_name=display_name, password=password)
    user.locale = locale
    account_email.send(user, kind="verify", link=tokens.verification_link(user))
    return user


def set_password(user: User, password: str, *, keep_session: str | None = None) -> None:
    """Change the password and end every sign-in of the user but `keep_session`."""
    passwords.check_new_password(password, email=user.email, display_name=user.display_name)
    user.password_hash = passwords.hash_password(password)
    end_sessions(user, keep=keep_session)
    account_email.send(user, kind="password_changed", link=absolute_url("accounts.forgot_password"))


def change_password(user: User, *, current: str, new: str) -> None:
    """The user's own change from the profile: the current password first; other sign-ins end."""
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError(_("The current password is not correct."), "current_password")
    set_password(user, new, keep_session=user.session_key)


# Sign-ins: one row per device, named by the session and remember cookies.


def start_session(user: User) -> str:
    """Record a new sign-in of the user and return its key (forget sign-ins older than their cookies)."""
    oldest = utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < oldest))
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key=key))
    user.session_key = key
    return key


def end_sessions(user: User, *, keep: str | None = None) -> None:
    """End every sign-in of the user (but `keep`): their cookies no longer sign anyone in."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.key != keep)
    db.session.execute(query)


def end_session(user: User) -> None:
    """Sign-out: this sign-in ends for good, copies of its cookies included."""
    if user.session_key:
        db.session.execute(delete(UserSession).where(UserSession.key == user.session_key))


# Every signed-in request runs it: built once (building it cost about as much as running it).
_SIGNED_IN_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user"), UserSession.key == bindparam("key"))
)


def load_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, while that sign-in still exists."""
    ident, _sep, key = (user_id or "").partition(":")
    if not ident.isdigit() or not key or len(key) > 64:
        return None
    user = db.session.scalar(_SIGNED_IN_USER, {"user": int(ident), "key": key})
    if user is None or user.is_deleted:
        return None
    user.session_key = key
    return user


# Slowing down guessing: counted per address, whether or not it has an account.


def _login_delay(failure: LoginFailure | None) -> int:
    """Seconds the address must wait before the next try: doubling after the free failures."""
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if failure is None or failure.failures < free:
        return 0
    delay = min(2 ** (failure.failures - free), current_app.config["LOGIN_MAX_DELAY_SECONDS"])
    waited = (utcnow() - failure.last_failed_at).total_seconds()
    return max(0, int(delay - waited + 0.999))


def _record_failure(key: str) -> None:
    """One more failure for the address, counted in SQL so that parallel failures all count.
    Counts a day old are forgotten (the longest wait is minutes), so guessed addresses pile up no rows."""
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at < now - timedelta(days=1)))
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginFailure).values(email_key=key, failures=1, last_failed_at=now)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[LoginFailure.email_key],
            set_={"failures": LoginFailure.failures + 1, "last_failed_at": now},
        )
    )


def authenticate(email: str, password: str) -> User | None:
    """The user with this e-mail and password, or None; raises LoginThrottledError while slowed down."""
    key = safe_email_key(email)
    wait = _login_delay(db.session.get(LoginFailure, key))
    if wait:
        raise LoginThrottledError(
            _("Too many failed attempts. Please wait %(seconds)s seconds and try again.", seconds=wait),
            retry_after=wait,
        )
    user = db.session.scalar(select(User).where(User.email_key == key))
    if not passwords.verify_password(user.password_hash if user is not None else None, password):
        _record_failure(key)
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_key == key))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def block_user(user: User, reason: str) -> None:
    user.is_blocked = True
    user.blocked_reason = clean_text(reason)


def unblock_user(user: User) -> None:
    user.is_blocked = False
    user.blocked_reason = None


def update_profile(user: User, *, display_name: str, locale: str | None) -> None:
    """Change what the user may change about themselves (a blocked user keeps their name)."""
    display_name = clean_text(display_name)
    if display_name != user.display_name:
        if user.is_blocked:
            raise AccountError(_("Your account is blocked: you cannot change your name."), "display_name")
        user.display_name = names.checked_display_name(display_name, user.role)
    user.locale = locale
