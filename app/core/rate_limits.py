"""Rate limits, declared beside the routes they guard and counted on entry.

Every limit is a setting (`*_RATE_LIMIT`, in Flask-Limiter's "N per minute" notation) applied with
`@limiter.limit(setting("…"), …)`. The storage counts a request before the view runs (test-and-hit in
one step, under the storage's own lock or Redis' atomic scripts), so a burst of requests sent at once
cannot all pass the check before any of them is counted. See docs/decisions/0019-abuse-limits-and-headers.md.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user


def setting(name: str) -> Callable[[], str]:
    """The limit in force for `name`, read per request (tests and operators change settings)."""

    def limit() -> str:
        return current_app.config[name]

    limit.__name__ = name.lower()
    return limit


def user_or_address() -> str:
    """The signed-in account, else the address: residents behind one carrier's address do not share
    a budget for voting or commenting, and one account cannot spread its requests over addresses."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()
