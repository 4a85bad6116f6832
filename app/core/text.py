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
# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the
# LTR/RTL marks (U+200E, U+200F). In a one-line text (a title, a name, an address, a subject) they
# only serve to make it read as something else, or to spill its direction into our sentence around
# it (which the page isolates anyway). The zero-width non-joiner U+200C is Persian spelling: kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")

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
    return " ".join(_CONTROL.sub(" ", strip_bidi_controls(text).replace("\n", " ")).split())


def strip_bidi_controls(value: str) -> str:
    """The text without bidirectional control characters (the Persian ZWNJ stays)."""
    return _BIDI_CONTROLS.sub("", value)


def isolate(text: str) -> str:
    """A name or title wrapped in Unicode directional isolates (FSI … PDI), for plain-text places
    (flash messages, page titles, alt text) where <bdi> cannot go: an English title inside a Persian
    sentence (or the reverse) keeps its own direction and cannot reorder the words around it."""
    return f"\u2068{text}\u2069"


def bdi(text: str | None) -> Markup:
    """User text inside a sentence of ours, in HTML: escaped and isolated in <bdi>."""
    return Markup("<bdi>{}</bdi>").format(text or "")


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
