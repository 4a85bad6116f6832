"""Numeric fields accept Persian, Arabic-Indic and ASCII digits and keep what was typed."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.core.fields import DecimalNumberField, WholeNumberField, western_number


class NumbersForm(FlaskForm):
    count = WholeNumberField("Count")
    amount = DecimalNumberField("Amount")


def _form(**data) -> NumbersForm:
    return NumbersForm(formdata=MultiDict(data), meta={"csrf": False})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("۱۲۳", "123"), ("١٢٣", "123"), ("۳۶٫۲۸۷", "36.287"), ("۱۲٬۰۰۰", "12000"), (" 59.6 ", "59.6"), ("", "")],
)
def test_western_number_reads_every_keyboard(typed, expected):
    assert western_number(typed) == expected


def test_persian_digits_are_accepted_in_a_whole_number_field(app):
    with app.test_request_context():
        form = _form(count="۴۲", amount="")
        assert form.validate()
        assert form.count.data == 42 and form.amount.data is None


def test_arabic_indic_digits_and_decimal_separator_are_accepted(app):
    with app.test_request_context():
        form = _form(amount="٣٦٫٢٨٧")
        assert form.validate()
        assert form.amount.data == pytest.approx(36.287)


@pytest.mark.parametrize("typed", ["abc", "1e400", "nan", "۱.۲.۳", "12-"])
def test_something_that_is_not_a_number_gets_a_translated_message_and_stays_typed(app, typed):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        form = _form(amount=typed)
        assert not form.validate()
        assert form.amount.errors == ["یک عدد وارد کنید."]
        assert form.amount._value() == typed


def test_a_fraction_is_not_a_whole_number(app):
    with app.test_request_context():
        form = _form(count="۲٫۵")
        assert not form.validate()


def test_number_fields_render_as_text_so_browsers_keep_persian_digits(app):
    with app.test_request_context():
        html = str(_form(amount="۳۶").amount())
        assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="۳۶"' in html
