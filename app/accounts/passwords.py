"""Passwords: Argon2id hashes and the rules a new password must meet."""

from __future__ import annotations

import contextlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from app.core.errors import DomainError

PASSWORD_MIN, PASSWORD_MAX = 10, 128


class WeakPasswordError(DomainError):
    """The new password breaks a rule; the message says which."""

    def __init__(self, message: str, field: str = "password"):
        super().__init__(message, field)


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most common passwords from leaked sets (see docs/decisions/0018).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """True for a password in the common list (compared case-insensitively, spaces ignored)."""
    folded = password.casefold()
    return folded in _common_passwords() or "".join(folded.split()) in _common_passwords()


def check_new_password(password: str, *, email: str = "", display_name: str = "") -> None:
    """Raise WeakPasswordError unless the password is long enough and not a common one."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise WeakPasswordError(
            _("The password must be %(min)d to %(max)d characters long.", min=PASSWORD_MIN, max=PASSWORD_MAX)
        )
    folded = password.casefold()
    own = {email.casefold(), email.partition("@")[0].casefold(), display_name.casefold()} - {""}
    if is_common_password(password) or folded in own or len(set(folded)) < 3:
        raise WeakPasswordError(_("This password is one of the most common ones. Choose another."))


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
        parallelism=current_app.config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; without a hash, spends the same time and answers False."""
    hasher = _hasher()
    if password_hash is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password + "x")
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


_DUMMY: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash(secrets.token_hex(8))
    return _DUMMY[key]
