"""Dates and numbers in the viewer's language."""

from datetime import datetime

from app.core import l10n


def test_persian_dates_are_solar_hijri_with_persian_digits(app):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        # 22 February 2026, 10:00 UTC is 3 Esfand 1404 in Tehran.
        assert l10n.format_date(datetime(2026, 2, 22, 10, 0)) == "۳ اسفند ۱۴۰۴"
        assert l10n.format_number(12345) == "۱۲٬۳۴۵"


def test_english_dates_are_gregorian(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert l10n.format_date(datetime(2026, 2, 22, 10, 0)) == "Feb 22, 2026"
        assert l10n.format_number(12345) == "12,345"


def test_late_evening_utc_is_the_next_day_in_mashhad(app):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        assert l10n.format_date(datetime(2026, 3, 20, 21, 0)) == "۱ فروردین ۱۴۰۵"


def test_relative_times(app):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        from datetime import timedelta

        from app.core.db import utcnow

        assert l10n.time_ago(utcnow() - timedelta(hours=2)) == "۲ ساعت پیش"
