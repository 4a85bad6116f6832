"""User text: clean it on the way in, render it safely on the way out."""

from __future__ import annotations

import re
import unicodedata

from linkify_it import LinkifyIt
from markupsafe import Markup, escape

# Arabic letters that a Persian writer on an Arabic keyboard layout types instead of Persian ones.
_ARABIC_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Control characters except tab and newline; they only ever hide or break text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")

_linkify = LinkifyIt(options={"fuzzy_email": False})


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Trim, fold Arabic ي/ى/ك into Persian ی/ک, drop control characters; keep line breaks if asked."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).translate(_ARABIC_TO_PERSIAN)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = _MANY_BLANK_LINES.sub("\n\n", _CONTROL.sub("", text))
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return " ".join(_CONTROL.sub(" ", text.replace("\n", " ")).split())


def ascii_digits(value: str) -> str:
    """Persian and Arabic-Indic digits to ASCII, so numeric fields accept every keyboard."""
    return value.translate(_PERSIAN_DIGITS)


def render_plain(text: str | None) -> Markup:
    """Plain text as HTML: everything escaped, line breaks kept, http(s) links made clickable."""
    if not text:
        return Markup("")
    parts: list[str] = []
    position = 0
    for match in _linkify.match(text) or []:
        if not match.url.lower().startswith(("http://", "https://")):
            continue
        parts.append(escape(text[position : match.index]))
        parts.append(
            Markup('<a href="{}" rel="nofollow ugc noopener noreferrer" dir="auto">{}</a>').format(match.url, match.raw)
        )
        position = match.last_index
    parts.append(escape(text[position:]))
    html = Markup("").join(parts)
    return Markup(html.replace("\n", Markup("<br>\n")))  # noqa: S704 - every part was escaped above
