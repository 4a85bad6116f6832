"""The form behind every workflow button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.text import ascii_digits, clean_text
from app.moderation.workflow import NOTE_MAX
from app.posts.forms import int_or_none, multiline


def post_number(value: str | None) -> int | None:
    """A post number as typed: Persian digits, a leading '#', or a whole post address all work."""
    if not value:
        return None
    digits = ascii_digits(clean_text(value)).rstrip("/").rsplit("/", 1)[-1].lstrip("#")
    return int_or_none(digits)


class TransitionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    note = TextAreaField(
        _l("Public note"),
        filters=[multiline],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("The note must be at most %(max)d characters long."))],
    )
    department = SelectField(_l("Department"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    original = StringField(_l("Number of the original post"), filters=[post_number], validators=[Optional()])
