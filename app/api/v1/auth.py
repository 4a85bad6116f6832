"""Who is calling: a bearer token (then no CSRF: no cookie carries authority), or the browser's
session cookie (then state changes need the CSRF token, exactly as on the web pages)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import credentials
from app.api.v1.errors import ApiError
from app.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, _("Send the token as: Authorization: Bearer <token>."))
    return secret.strip()


def authenticate() -> None:
    """Set g.api_user for this request (an anonymous user when nobody signed in)."""
    secret = bearer_secret()
    if secret is not None:
        user = credentials.user_for_token(secret, touch=request.method not in SAFE_METHODS)
        if user is None:
            raise ApiError(401, _("This API token is not valid or was revoked."))
        g.api_user = user
        return
    g.api_user = current_user._get_current_object()
    if (
        request.method not in SAFE_METHODS
        and g.api_user.is_authenticated
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        csrf.protect()


def api_user():
    return g.api_user


def require_user():
    """The signed-in caller, or a 401."""
    user = g.api_user
    if not user.is_authenticated:
        raise ApiError(401, _("Sign in, or send a valid API token: Authorization: Bearer <token>."))
    return user


def require(allowed: bool, *, hide: bool = False) -> None:
    """The API's require(): 401 for nobody, 403 (or 404 for what the caller may not know exists)."""
    if allowed:
        return
    if hide:
        raise ApiError(404, _("Not found."))
    require_user()
    raise ApiError(403, _("You do not have permission to do this."))


def rate_limit_key() -> str:
    """Per token when one is sent (by its hash), else per address."""
    header = request.headers.get("Authorization", "")
    return "api-token:" + credentials.digest(header) if header else "api-addr:" + (request.remote_addr or "")
