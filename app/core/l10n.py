"""Dates and numbers in the viewer's language: Solar Hijri with Persian digits in Persian."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from babel.dates import format_date as babel_format_date
from babel.dates import format_timedelta
from flask import current_app, g
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from app.core.db import utcnow

_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip


def current_locale():
    """Flask-Babel's get_locale(), read straight from its per-request slot once chosen: a page asks
    hundreds of times (every number and string), and get_locale() costs a few proxy look-ups each.
    `force_locale` sets the same slot, so it is followed."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):  # not chosen yet in this request, or outside an app context
        locale = None
    return locale if locale is not None else get_locale()


def current_language() -> str:
    """The two-letter language of the current request ('fa' outside one)."""
    locale = current_locale()
    return locale.language if locale else "fa"


def persian_digits(text: object) -> str:
    """ASCII digits to Persian ones."""
    return str(text).translate(_TO_PERSIAN_DIGITS)


def persian_number(text: str) -> str:
    """A number written by Python ('12,345.6') in Persian digits and separators ('۱۲٬۳۴۵٫۶'): a
    Latin point beside a Persian digit reads as a zero."""
    return persian_digits(text.replace(",", "٬").replace(".", "٫"))


def localize_digits(text: object) -> str:
    """Digits in the viewer's script."""
    return persian_digits(text) if current_language() == "fa" else text


# A %-placeholder as Python's mapping interpolation understands it, or an escaped percent sign.
_PLACEHOLDER = re.compile(r"%(?:%|\((?P<name>[^)]*)\)(?P<spec>[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]))")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def interpolate(template: str, variables: Mapping) -> str:
    """`template % variables`, with the numbers among the variables written in the viewer's digits.

    Only numeric values change script: names, titles and addresses interpolated into the same
    message keep the digits their writer typed. A Markup template escapes what it interpolates.
    """
    if current_language() != "fa" or not any(_is_number(v) for v in variables.values()):
        return template % variables
    is_markup = isinstance(template, Markup)

    def substitute(match: re.Match) -> str:
        name = match.group("name")
        if name is None:
            return "%"
        value = variables[name]
        if _is_number(value):
            return persian_number(f"%{match.group('spec')}" % (value,))
        if is_markup:
            value = escape(value)
        return f"%{match.group('spec')}" % (value,)

    text = _PLACEHOLDER.sub(substitute, str(template))
    return Markup(text) if is_markup else text  # noqa: S704 -- every value was escaped above


def format_number(value: int | float) -> str:
    """A count with the viewer's digits and grouping (۱۲٬۳۴۵ / 12,345)."""
    text = f"{value:,}"
    return persian_number(text) if current_language() == "fa" else text


def format_decimal_places(value: float | None, places: int = 5) -> str:
    """A decimal with a fixed number of places: '۳۶٫۲۹۷۰۰' in Persian, '36.29700' in English."""
    if value is None:
        return ""
    text = f"{value:.{places}f}"
    return persian_number(text) if current_language() == "fa" else text


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
    if utcnow() - moment < timedelta(minutes=1):
        return gettext("just now")
    language = current_language()
    text = format_timedelta(moment - utcnow(), add_direction=True, locale=language, threshold=1.0)
    return localize_digits(text)


def iso(moment: datetime | None) -> str:
    """Machine-readable UTC time for <time datetime>."""
    return moment.replace(tzinfo=UTC).isoformat() if moment else ""


def format_distance(metres: float | None) -> str:
    """A distance people read at a glance: '۸۰ متر', '1.2 km' (to 10 m below a kilometre)."""
    if metres is None:
        return ""
    if metres < 1000:
        return gettext("%(distance)s m", distance=format_number(max(10, int(round(metres, -1)))))
    return gettext("%(distance)s km", distance=format_decimal_places(metres / 1000, 1))
