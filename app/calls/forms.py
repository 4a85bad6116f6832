"""Forms of calls for ideas: opening one, extending it, posting an idea, publishing the outcome."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.calls.services import QUESTION_MAX, TEXT_MAX, TITLE_MAX
from app.core.dates import parse_date
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.posts import rules
from app.posts.forms import int_or_none, multiline

DATE_HELP = _l("A date like 1405/10/01 (Solar Hijri) or 2026-12-22 (Gregorian), in any digits.")


def _date_field(label):
    return StringField(
        label, filters=[clean_text], description=DATE_HELP, validators=[DataRequired(_l("Enter a date."))]
    )


def _check_date(_form, field) -> None:
    if parse_date(field.data) is None:
        raise ValidationError(_l("This is not a date we can read: write it like 1405/10/01 or 2026-12-22."))


class CallForm(FlaskForm):
    department = SelectField(_l("Department"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    category = SelectField(
        _l("Category of the ideas"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[DataRequired(_l("Choose a category."))],
    )
    title = StringField(
        _l("Title"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(max=TITLE_MAX, message=_l("The title must be at most %(max)d characters long.")),
        ],
    )
    question = StringField(
        _l("The question you ask residents"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the question.")),
            Length(max=QUESTION_MAX, message=_l("The question must be at most %(max)d characters long.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[multiline],
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("The description must be at most %(max)d characters long.")),
        ],
    )
    opens_on = _date_field(_l("Opens on"))
    closes_on = _date_field(_l("Last day for ideas"))

    validate_opens_on = _check_date
    validate_closes_on = _check_date


class ExtendForm(FlaskForm):
    closes_on = _date_field(_l("New last day for ideas"))
    validate_closes_on = _check_date


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(rules.TITLE_MIN, rules.TITLE_MAX, _l("The title must be %(min)d to %(max)d characters long.")),
        ],
    )
    body = TextAreaField(
        _l("Your idea"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Enter a description.")),
            Length(rules.BODY_MIN, rules.BODY_MAX, _l("The description must be %(min)d to %(max)d characters long.")),
        ],
    )


class OutcomeForm(FlaskForm):
    """The summary; each idea's decision is read as `decision-<post id>` and `note-<post id>`."""

    outcome = TextAreaField(
        _l("The outcome: what the department will do"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Write the outcome.")),
            Length(max=TEXT_MAX, message=_l("The outcome must be at most %(max)d characters long.")),
        ],
    )
