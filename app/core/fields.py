"""Form fields for numbers that accept every keyboard: Persian, Arabic-Indic and ASCII digits.

They render as text inputs with `inputmode`, not `type="number"`: browsers empty a number input
that holds Persian digits, which would silently drop what a resident typed.
"""

from __future__ import annotations

from wtforms import Field, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.i18n import lazy_gettext as _l
from app.core.text import ascii_digits

# Arabic decimal separator to '.', Arabic thousands separator and spaces (incl. ZWNJ) dropped.
_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": None, " ": None, "\u200c": None, "\u00a0": None})


def western_number(value: str | None) -> str:
    """'۳۶٫۲۸۷' -> '36.287', '۱۲٬۰۰۰' -> '12000': the number as Python reads it."""
    return ascii_digits(value or "").translate(_SEPARATORS).strip()


class _NumberField(Field):
    widget = TextInput()
    input_mode = "numeric"
    message = _l("Enter a number.")

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"] = {"inputmode": self.input_mode, "dir": "ltr", "autocomplete": "off", **kwargs["render_kw"]}
        super().__init__(label, validators, **kwargs)
        if message is not None:
            self.message = message

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # exactly what was typed, Persian digits included
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = self.parse(western_number(valuelist[0]))
        except ValueError:
            self.data = None
            raise ValueError(str(self.message)) from None

    def parse(self, text: str):
        raise NotImplementedError


class WholeNumberField(_NumberField):
    """An integer typed in any digits."""

    def parse(self, text: str) -> int:
        if not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
            raise ValueError(text)
        return int(text)


class DecimalNumberField(_NumberField):
    """A decimal number typed in any digits, with '.' or the Arabic decimal separator '٫'."""

    input_mode = "decimal"

    def parse(self, text: str) -> float:
        if not text.isascii() or text.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
            raise ValueError(text)
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
        return value


class MultiCheckboxField(SelectMultipleField):
    """Several choices as tick boxes: the `field` macro renders them in a fieldset, or a page renders
    each option beside what it stands for (a photo, a pending post)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
