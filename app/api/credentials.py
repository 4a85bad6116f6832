"""Issuing, checking and revoking API tokens (residents) and Open311 keys (clients).

Both are 32 random bytes: only their SHA-256 is stored, so a copy of the database lets nobody call
the API, and a lookup is one indexed equality (a slow password hash buys nothing against 256 bits).
"""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.permissions import can_administer, is_signed_in
from app.api.models import ApiKey, ApiToken
from app.core.db import utcnow
from app.core.errors import DomainError, DomainForbiddenError
from app.core.text import clean_text
from app.extensions import db

TOKEN_PREFIX = "shv_"  # noqa: S105 -- a prefix, recognisable in logs and by secret scanners
KEY_PREFIX = "shv311_"
NAME_MAX = 60
TOKENS_PER_USER = 20


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _checked_name(name: str, limit: int) -> str:
    name = clean_text(name)
    if not 1 <= len(name) <= limit:
        raise DomainError(_("The name must be 1 to %(max)d characters long.", max=limit), "name")
    return name


def create_api_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the secret is returned once and never stored."""
    if not is_signed_in(user) or user.is_blocked:
        raise DomainForbiddenError(_("Your account may not use the API."))
    name = _checked_name(name, NAME_MAX)
    if len(active_tokens(user)) >= TOKENS_PER_USER:
        raise DomainError(_("You have too many tokens. Revoke one first."), "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=digest(secret))
    db.session.add(token)
    db.session.flush()
    return token, secret


def active_tokens(user) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_api_token(user, token: ApiToken) -> None:
    """Revoke one of the user's own tokens (revoking twice changes nothing)."""
    if token.user_id != user.id:
        raise DomainForbiddenError(_("This is not your token."))
    token.revoked_at = token.revoked_at or utcnow()


def user_for_token(secret: str, *, touch: bool = False):
    """The user a live token belongs to, or None; with touch, notes that it was used now (only
    requests that write anyway should: a read must not take the database's write lock)."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None or token.user.is_blocked:
        return None
    if touch:
        _touch(token)
    return token.user


def create_api_key(actor, name: str, owner) -> tuple[ApiKey, str]:
    """A new Open311 key (admins, or the command line with actor=None); the secret is shown once."""
    if actor is not None and not can_administer(actor):
        raise DomainForbiddenError(_("Only administrators issue API keys."))
    if owner is None:
        raise DomainError(_("Choose the account that owns the key."), "owner")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=_checked_name(name, 80), owner=owner, key_hash=digest(secret))
    db.session.add(key)
    db.session.flush()
    return key, secret


def revoke_api_key(actor, key: ApiKey) -> None:
    if actor is not None and not can_administer(actor):
        raise DomainForbiddenError(_("Only administrators revoke API keys."))
    key.revoked_at = key.revoked_at or utcnow()


def key_for_secret(secret: str, *, touch: bool = False) -> ApiKey | None:
    """The live key with this secret, or None; with touch, notes that it was used now."""
    if not secret:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(secret), ApiKey.revoked_at.is_(None)))
    if key is None or key.owner.is_blocked:
        return None
    if touch:
        _touch(key)
    return key


def _touch(credential) -> None:
    now = utcnow()
    # Written at most once a minute: a busy client must not turn every read into a write.
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        credential.last_used_at = now
