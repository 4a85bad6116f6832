"""Display names that cannot pass for the city's staff."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from app.accounts.models import Role
from app.core.errors import DomainError
from app.core.text import clean_text

# Refused anywhere inside a resident's name (long and distinctive enough not to hit real names).
_ROLE_FRAGMENTS = ("admin", "moderator", "administrator", "shahrvand", "ادمین", "شهروند", "شهرداری")
# Refused as whole words: shorter words that are also parts of real names (ناظری, مدیری, Staffan).
_ROLE_WORDS = {
    "mod", "mods", "staff", "official", "support", "officer", "city", "municipality", "sysop", "root",
    "مدیر", "مدیریت", "ناظر", "کارشناس", "مسئول", "مسؤول", "پشتیبان", "پشتیبانی", "مامور", "مأمور",
    "کارمند", "شهردار", "سرپرست", "رسمی",
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s\u200c\u200d_.\-–—|/\\:;,،؛!?؟()\[\]{}\"'`*+=~#@$%^&<>«»]+")
_LEETSPEAK = str.maketrans("013457@$", "oieastas")


class DisplayNameError(DomainError):
    pass


def _folded(name: str) -> str:
    """Lower case, no diacritics or tatweel, Arabic letters as Persian ones."""
    text = unicodedata.normalize("NFKD", clean_text(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch != "\u0640")
    return text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ة", "ه")


# The role words as names are compared: folded once, not again for every name checked.
_FOLDED_FRAGMENTS = tuple(_folded(fragment) for fragment in _ROLE_FRAGMENTS)
_FOLDED_WORDS = frozenset(_folded(word) for word in _ROLE_WORDS)


def is_role_name(name: str) -> bool:
    """True when the name is or contains one of the site's role words, in Persian or English."""
    folded = _folded(name)
    squeezed = _SEPARATORS.sub("", folded)
    spelt_out = squeezed.translate(_LEETSPEAK)
    if any(fragment in squeezed or fragment in spelt_out for fragment in _FOLDED_FRAGMENTS):
        return True
    words = set(_SEPARATORS.split(folded)) | set(_SEPARATORS.split(folded.translate(_LEETSPEAK)))
    return not _FOLDED_WORDS.isdisjoint(words)


def checked_display_name(name: str, role: Role) -> str:
    """The cleaned name; for residents, refused when it reads like a role of the site's staff."""
    name = clean_text(name)
    if role is Role.RESIDENT and is_role_name(name):
        raise DisplayNameError(
            _("Choose another name: names that sound like a role of the site's staff are kept for them."),
            "display_name",
        )
    return name
