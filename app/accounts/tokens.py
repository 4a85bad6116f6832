"""Signed links for e-mail verification and password reset (itsdangerous, keyed by SECRET_KEY)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_SALT = "shahrvand.verify-email"
RESET_SALT = "shahrvand.reset-password"


class InvalidTokenError(Exception):
    """The link is forged, damaged, expired or already used."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(value: str) -> str:
    """A short digest of a secret-bearing value (the password hash), so the token never carries it."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def read_token(salt: str, token: str, max_age: int) -> dict:
    """The payload of a token this site signed less than max_age seconds ago; else InvalidTokenError."""
    if not isinstance(token, str) or not token or len(token) > 500:
        raise InvalidTokenError
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature) as error:
        raise InvalidTokenError from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidTokenError
    return payload


def verification_link(user) -> str:
    """The link that confirms the user's address (valid EMAIL_VERIFICATION_MAX_AGE seconds)."""
    from app.core.urls import absolute_url

    return absolute_url("accounts.verify_email", token=make_token(VERIFY_SALT, {"u": user.id, "e": user.email_key}))


def reset_link(user) -> str:
    """The link that sets a new password: it dies with the password it was made for."""
    from app.core.urls import absolute_url

    payload = {"u": user.id, "p": fingerprint(user.password_hash)}
    return absolute_url("accounts.reset_password", token=make_token(RESET_SALT, payload))
