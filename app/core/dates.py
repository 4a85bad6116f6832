"""Reading dates people type: Gregorian (2026-11-26) or Solar Hijri (1405/09/05), any digits."""

from __future__ import annotations

import re
from datetime import date

import jdatetime

from app.core.text import ascii_digits

_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")
JALALI_BEFORE = 1700  # years below this are Solar Hijri (today ≈ 1405), above are Gregorian


def parse_date(value: str | None) -> date | None:
    """The date typed, or None when it is empty or not a real date."""
    if not value:
        return None
    match = _DATE.match(ascii_digits(value))
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        parsed = jdatetime.date(year, month, day).togregorian() if year < JALALI_BEFORE else date(year, month, day)
    except ValueError:
        return None
    # Ranges end on the day after their last day (`until + 1 day`): the very last date has none.
    return parsed if parsed < date.max else None
