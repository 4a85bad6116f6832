"""The JSON API, version 1: /api/v1/…, described at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.core.i18n import negotiates_language
from app.extensions import csrf, limiter

bp = negotiates_language(Blueprint("api", __name__, url_prefix="/api/v1"))
# CSRF is checked in auth.authenticate: for cookie-signed-in callers only, never for bearer tokens.
csrf.exempt(bp)


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


from app.api.v1 import auth, errors  # noqa: E402

limiter.limit(_api_limit, key_func=auth.rate_limit_key)(bp)
bp.before_request(auth.authenticate)
errors.register(bp)

from app.api.v1 import lookup, openapi, posts, social  # noqa: E402, F401
