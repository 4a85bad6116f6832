"""Proving a mailbox: e-mail verification and password reset, by signed links (tokens.py)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import services, tokens
from app.accounts.addresses import safe_email_key
from app.accounts.models import User
from app.accounts.signals import account_email
from app.core.db import utcnow
from app.core.errors import DomainError
from app.extensions import db


class LinkError(DomainError):
    """The link is forged, damaged, expired or already used."""

    status = 400


def _invalid_link() -> LinkError:
    return LinkError(_("This link is not valid any more. Ask for a new one."))


def send_verification(user: User) -> bool:
    """Queue a fresh verification link; False (nothing sent) when the address is already verified."""
    if user.is_verified or user.is_deleted:
        return False
    account_email.send(user, kind="verify", link=tokens.verification_link(user))
    return True


def verify_email(token: str) -> User:
    """Mark the address the link was made for as verified (opening it twice does no harm)."""
    max_age = current_app.config["EMAIL_VERIFICATION_MAX_AGE"]
    try:
        payload = tokens.read_token(tokens.VERIFY_SALT, token, max_age)
    except tokens.InvalidTokenError:
        raise _invalid_link() from None
    user = db.session.get(User, payload["u"])
    if user is None or user.is_deleted or payload.get("e") != user.email_key:
        raise _invalid_link()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link when the address has an account; do nothing visible otherwise."""
    user = db.session.scalar(select(User).where(User.email_key == safe_email_key(email)))
    if user is None or user.is_deleted:
        return
    account_email.send(user, kind="reset", link=tokens.reset_link(user))


def user_for_reset(token: str) -> User:
    """The user a reset link was made for, while it is fresh and their password unchanged."""
    try:
        payload = tokens.read_token(tokens.RESET_SALT, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    except tokens.InvalidTokenError:
        raise _invalid_link() from None
    user = db.session.get(User, payload["u"])
    if user is None or user.is_deleted or payload.get("p") != tokens.fingerprint(user.password_hash):
        raise _invalid_link()  # the password changed since (this link's own use included): it works once
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; every sign-in of the account ends. The mailbox is
    proven by the link, so the address counts as verified too."""
    user = user_for_reset(token)
    services.set_password(user, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user
