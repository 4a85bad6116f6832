"""E-mail addresses in one normal form, so that one mailbox is one account."""

from __future__ import annotations

import unicodedata

import idna


class InvalidAddressError(ValueError):
    """The address has no usable domain."""


def normalize_email(email: str) -> str:
    """The address to store and send to: trimmed, the domain lower-cased and IDNA-encoded, the
    local part as typed (only the receiving server may interpret it, RFC 5321)."""
    local, sep, domain = unicodedata.normalize("NFC", email or "").strip().rpartition("@")
    if not sep or not local or not domain:
        raise InvalidAddressError(email)
    try:
        ascii_domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise InvalidAddressError(email) from error
    return f"{local}@{ascii_domain.lower()}"


def email_key(email: str) -> str:
    """What addresses are compared on: the normal form with the local part case-folded too, because
    every common mail provider treats Maryam@ and maryam@ as one mailbox."""
    local, _sep, domain = normalize_email(email).rpartition("@")
    return f"{local.casefold()}@{domain}"


def safe_email_key(email: str) -> str:
    """email_key, or the trimmed, case-folded text for input that is not an address (never raises)."""
    try:
        return email_key(email)
    except InvalidAddressError:
        return (email or "").strip().casefold()[:254]
