"""Numbers, dates and relative times in the viewer's language and digits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, ngettext
from markupsafe import Markup
from wtforms.validators import Length

from app.core import l10n
from app.core.db import utcnow
from app.core.i18n import lazy_gettext


@pytest.fixture
def persian(app):
    with app.test_request_context(headers={"Cookie": "lang=fa"}):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def test_numbers_in_a_translated_message_use_persian_digits(persian):
    message = gettext("The title must be %(min)d to %(max)d characters long.", min=8, max=150)
    assert message == "عنوان باید بین ۸ تا ۱۵۰ نویسه باشد."


def test_numbers_in_an_english_message_keep_ascii_digits(english):
    message = gettext("The title must be %(min)d to %(max)d characters long.", min=8, max=150)
    assert message == "The title must be 8 to 150 characters long."


def test_interpolated_text_keeps_the_digits_its_writer_typed(persian):
    message = gettext("Hello %(name)s,", name="User 12")
    assert "User 12" in message


def test_plural_messages_count_in_persian_digits(persian):
    assert ngettext("%(num)s comment", "%(num)s comments", 3) == "۳ دیدگاه"


def test_lazy_messages_filled_in_later_by_wtforms_use_persian_digits(persian):
    message = lazy_gettext("The title must be %(min)d to %(max)d characters long.")
    filled = Length(8, 150, message).message % {"min": 8, "max": 150, "length": 3}
    assert filled == "عنوان باید بین ۸ تا ۱۵۰ نویسه باشد."


def test_templates_localise_numbers_and_still_escape_text(persian):
    html = render_template_string(
        '{{ _("The title must be %(min)d to %(max)d characters long.", min=8, max=150) }}|'
        '{{ _("Hello %(name)s,", name="<b>") }}|{{ _("%(num)s%% done", num=5) }}'
    )
    title, welcome, percent = html.split("|")
    assert title == "عنوان باید بین ۸ تا ۱۵۰ نویسه باشد."
    assert "&lt;b&gt;" in welcome and "<b>" not in welcome
    assert percent == "۵% done"


def test_interpolate_escapes_values_into_markup(persian):
    result = l10n.interpolate(Markup("<i>%(n)d</i> %(who)s"), {"n": 7, "who": "<script>"})
    assert result == Markup("<i>۷</i> &lt;script&gt;")


def test_booleans_are_not_numbers(persian):
    assert l10n.interpolate("%(flag)s %(n)d", {"flag": True, "n": 1}) == "True ۱"


def test_counts_are_grouped_with_persian_digits(persian):
    assert l10n.format_number(12345) == "۱۲٬۳۴۵"


def test_counts_are_grouped_with_ascii_digits_in_english(english):
    assert l10n.format_number(12345) == "12,345"


def test_dates_are_solar_hijri_with_persian_digits(persian):
    assert l10n.format_date(datetime(2026, 2, 22, 8, 0)) == "۳ اسفند ۱۴۰۴"


def test_dates_are_gregorian_in_english(english):
    assert l10n.format_date(datetime(2026, 2, 22, 8, 0)) == "Feb 22, 2026"


def test_dates_use_tehran_time(persian):
    # 21:00 UTC on 21 February is already 22 February (3 Esfand) in Tehran.
    assert l10n.format_date(datetime(2026, 2, 21, 21, 0)) == "۳ اسفند ۱۴۰۴"


def test_relative_times_read_naturally_in_persian(persian):
    assert l10n.time_ago(utcnow() - timedelta(hours=2, minutes=5)) == "۲ ساعت پیش"


def test_relative_times_read_naturally_in_english(english):
    assert l10n.time_ago(utcnow() - timedelta(days=3, hours=1)) == "3 days ago"


def test_a_moment_ago_is_just_now(persian):
    assert l10n.time_ago(utcnow() - timedelta(seconds=5)) == "همین الان"


def test_templates_may_pass_a_preformatted_count(persian):
    html = render_template_string('{{ ngettext("%(num)s comment", "%(num)s comments", 1200, num=1200|num) }}')
    assert html == "۱٬۲۰۰ دیدگاه"


def test_solar_hijri_date_of_a_known_day(persian):
    # 22 February 2026, 10:00 UTC is 3 Esfand 1404 in Tehran.
    assert l10n.format_date(datetime(2026, 2, 22, 10, 0)) == "۳ اسفند ۱۴۰۴"


def test_late_evening_utc_is_the_next_day_in_mashhad(persian):
    assert l10n.format_date(datetime(2026, 3, 20, 21, 0)) == "۱ فروردین ۱۴۰۵"


def test_a_number_in_a_template_follows_each_request_not_the_one_that_compiled_it(app):
    with app.test_request_context(), force_locale("en"):
        template = app.jinja_env.from_string("{{ 1|num }} {{ 1234|num }} {{ 2.5|decimal(1) }}")  # compiled in English
        assert template.render() == "1 1,234 2.5"
    with app.test_request_context():  # Persian, the default
        assert template.render() == "۱ ۱٬۲۳۴ ۲٫۵"
