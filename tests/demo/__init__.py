"""What the demo city's tests share: Mashhad's bounds, and Boston's words that must not appear."""

import re

from app.demo import data, replies, texts_en

MASHHAD = (36.19, 59.40, 36.43, 59.74)  # south, west, north, east
# Words of the Boston 311 reports the demo used to borrow, and of Boston itself.
BOSTON = re.compile(
    r"boston|dorchester|roxbury|jamaica plain|southie|back bay|beacon|mass ave|washington st|"
    r"blue hill|tremont|comm ave|\b311\b|\bmbta\b",
    re.IGNORECASE,
)


def persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def written_for_mashhad(title: str, address: str | None) -> bool:
    """An English post of the demo: one of the ideas written for Mashhad, or a report at one of its places."""
    ideas = {idea[1] for idea in texts_en.IDEAS_EN} | {title for title, _body in replies.CALL_CLOSED_IDEAS}
    return title in ideas or address in {place[1] for place in data.PLACES}
