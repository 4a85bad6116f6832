"""Highlighted titles and snippets: the words that matched, marked in the text as its writer typed it.

Everything is escaped first (residents write plain text); only our own <mark> tags are markup. A word
is marked when the analyzer turns it into one of the query's terms, so "آلودگي‌هاي" is marked for a
search for "آلودگی" and "potholes" for "pothole".
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.search.compounds import index_terms

# A word as typed: letters, digits, and the marks and joiners the analyzer folds away.
_TOKEN = re.compile(r"[\w\u064b-\u065f\u0670\u0640\u200c\u200d]+")
ELLIPSIS = "…"


@lru_cache(maxsize=50_000)
def _terms(token: str) -> frozenset[str]:
    return frozenset(index_terms(token))  # with a ZWNJ inside, the joined form too (اطلاع‌رسانی)


def matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the words of `text` that analyse to one of `terms`."""
    if not terms or not text:
        return []
    return [m.span() for m in _TOKEN.finditer(text) if _terms(m.group()) & terms]


def highlight(text: str, terms: frozenset[str]) -> Markup:
    """The whole text, escaped, with matching words in <mark>."""
    return _marked(text, matches(text, terms), 0, len(text))


def snippet(text: str, terms: frozenset[str], width: int = 240) -> Markup:
    """About `width` characters of the text around its densest run of matches, escaped and marked."""
    text = " ".join(text.split())
    if len(text) <= width:
        return highlight(text, terms)
    spans = matches(text, terms)
    start = _best_window(spans, width)
    start = _word_start(text, max(0, start - width // 6))
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    html = _marked(text, [s for s in spans if s[0] >= start and s[1] <= end], start, end)
    return Markup("").join([ELLIPSIS if start > 0 else "", html, ELLIPSIS if end < len(text) else ""])


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window of `width` characters holding the most matches (0 when none)."""
    best_start, best_count = 0, 0
    for i, (start, _end) in enumerate(spans):
        count = sum(1 for other in spans[i:] if other[1] <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def _word_start(text: str, position: int) -> int:
    if position == 0:
        return 0
    space = text.find(" ", position)
    return space + 1 if 0 <= space < position + 20 else position


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    parts: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_start < position:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(Markup("<mark>{}</mark>").format(text[span_start:span_end]))
        position = span_end
    parts.append(escape(text[position:end]))
    return Markup("").join(parts)
