"""Turning permission predicates into HTTP answers."""

from __future__ import annotations

from flask import abort
from flask_login import current_user


def require(allowed: bool, *, hide: bool = False) -> None:
    """Abort unless allowed: 401-style sign-in for visitors, else 403 (or 404 when hide=True)."""
    if allowed:
        return
    if hide:
        abort(404)
    if not current_user.is_authenticated:
        abort(401)
    abort(403)
