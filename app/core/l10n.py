"""Dates and numbers in the viewer's language: Solar Hijri with Persian digits in Persian."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import jdatetime
from babel.dates import format_date as babel_format_date
from babel.dates import format_timedelta
from flask import current_app
from flask_babel import get_locale

from app.core.db import utcnow

_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip


def current_language() -> str:
    """The two-letter language of the current request ('fa' outside one)."""
    locale = get_locale()
    return locale.language if locale else "fa"


def persian_digits(text: object) -> str:
    """ASCII digits to Persian ones."""
    return str(text).translate(_TO_PERSIAN_DIGITS)


def localize_digits(text: object) -> str:
    """Digits in the viewer's script."""
    return persian_digits(text) if current_language() == "fa" else text


def format_number(value: int | float) -> str:
    """A count with the viewer's digits and grouping (۱۲٬۳۴۵ / 12,345)."""
    text = f"{value:,}"
    if current_language() == "fa":
        return persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def _local(moment: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.replace(tzinfo=UTC).astimezone(zone)


def format_date(moment: datetime | None) -> str:
    """A calendar date: '۳ اسفند ۱۴۰۴' in Persian, 'Feb 22, 2026' in English."""
    if moment is None:
        return ""
    local = _local(moment)
    if current_language() == "fa":
        jalali = jdatetime.date.fromgregorian(date=local.date())
        return persian_digits(f"{jalali.day} {_JALALI_MONTHS[jalali.month - 1]} {jalali.year}")
    return babel_format_date(local.date(), format="medium", locale="en")


def format_datetime(moment: datetime | None) -> str:
    """A date with its local time of day."""
    if moment is None:
        return ""
    clock = _local(moment).strftime("%H:%M")
    if current_language() == "fa":
        return f"{format_date(moment)}، {persian_digits(clock)}"
    return f"{format_date(moment)}, {clock}"


def time_ago(moment: datetime | None) -> str:
    """How long ago, in words: '۲ ساعت پیش', '2 hours ago'."""
    if moment is None:
        return ""
    language = current_language()
    text = format_timedelta(moment - utcnow(), add_direction=True, locale=language, threshold=1.0)
    return localize_digits(text)


def iso(moment: datetime | None) -> str:
    """Machine-readable UTC time for <time datetime>."""
    return moment.replace(tzinfo=UTC).isoformat() if moment else ""
