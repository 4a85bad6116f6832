"""Forms of the department dashboard, official responses, and the admins' department pages."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.dates import parse_date
from app.core.db import utcnow
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.core.validators import Finite
from app.departments.export import DEFAULT_DAYS, MAX_DAYS, MAX_YEARS
from app.departments.models import RESPONSE_ACTIONS
from app.departments.services import NOTE_MAX, QueueSort
from app.moderation.workflow import TRANSITIONS
from app.posts.forms import int_or_none, multiline


def _stripped(value):
    """Spaces around a choice are no choice: `?age=%20` must not reach the view as " " (Optional()
    would stop the choice check for a blank value, and the view would read " " as a number)."""
    return value.strip() if isinstance(value, str) else value


RESPONSE_ACTION_CHOICES = [SelectChoice(action, TRANSITIONS[action].label) for action in RESPONSE_ACTIONS]


class QueueFilterForm(FlaskForm):
    """The dashboard's filters, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        default="open",
        choices=[
            SelectChoice("open", _l("Waiting or in progress")),
            SelectChoice("forwarded", _l("Waiting for a response")),
            SelectChoice("in_progress", _l("In progress")),
            SelectChoice("closed", _l("Resolved or declined")),
            SelectChoice("all", _l("All")),
        ],
        filters=[_stripped],
        validators=[Optional()],
    )
    category = SelectField(_l("Category"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    age = SelectField(
        _l("Age"),
        default="",
        choices=[
            SelectChoice("", _l("Any age")),
            SelectChoice("7", _l("Older than a week")),
            SelectChoice("30", _l("Older than a month")),
            SelectChoice("90", _l("Older than three months")),
        ],
        filters=[_stripped],
        validators=[Optional()],
    )
    location = SelectField(
        _l("Location"),
        default="",
        choices=[
            SelectChoice("", _l("With or without")),
            SelectChoice("yes", _l("Has a location")),
            SelectChoice("no", _l("No location")),
        ],
        filters=[_stripped],
        validators=[Optional()],
    )
    assignee = SelectField(
        _l("Assigned to"),
        default="",
        choices=[
            SelectChoice("", _l("Anyone or nobody")),
            SelectChoice("me", _l("Me")),
            SelectChoice("none", _l("Nobody")),
        ],
        filters=[_stripped],
        validators=[Optional()],
    )
    q = StringField(_l("Search in this department"), filters=[clean_text], validators=[Optional(), Length(max=100)])
    sort = SelectField(
        _l("Order"),
        default=QueueSort.SUPPORT.value,
        choices=[
            SelectChoice(QueueSort.SUPPORT.value, _l("Most supported")),
            SelectChoice(QueueSort.AGE.value, _l("Oldest first")),
            SelectChoice(QueueSort.ACTIVITY.value, _l("Latest activity")),
            SelectChoice(QueueSort.DISTANCE.value, _l("Nearest to a point")),
        ],
        filters=[_stripped],
        validators=[Optional()],
    )
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), Finite(), NumberRange(-90, 90, _l("Enter a number from %(min)s to %(max)s."))],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), Finite(), NumberRange(-180, 180, _l("Enter a number from %(min)s to %(max)s."))],
    )

    def validate_sort(self, field) -> None:
        if field.data == QueueSort.DISTANCE.value and (self.lat.data is None or self.lon.data is None):
            raise ValidationError(_l("Give the latitude and longitude of the point."))


class RespondForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    template = SelectField(_l("Response template"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    note = TextAreaField(
        _l("Public response"),
        filters=[multiline],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("The note must be at most %(max)d characters long."))],
    )


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), coerce=int_or_none, validate_choice=False, validators=[Optional()])


class InternalNoteForm(FlaskForm):
    body = TextAreaField(
        _l("Internal note (staff and moderators only)"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Write the note first.")),
            Length(max=NOTE_MAX, message=_l("The note must be at most %(max)d characters long.")),
        ],
    )


class ExportForm(FlaskForm):
    """The days of a CSV export; both may be left empty (the last DEFAULT_DAYS days up to today)."""

    class Meta:
        csrf = False

    start = StringField(_l("From"), validators=[Optional()])
    end = StringField(_l("To"), validators=[Optional()])

    def validate_start(self, field) -> None:
        if parse_date(field.data) is None:
            raise ValidationError(_l("Enter a date such as 1405-09-05 or 2026-11-26."))

    def validate_end(self, field) -> None:
        if parse_date(field.data) is None:
            raise ValidationError(_l("Enter a date such as 1405-09-05 or 2026-11-26."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.days()
        if end < start:
            self.end.errors.append(_l("The last day comes before the first."))
        elif (end - start).days > MAX_DAYS:
            self.end.errors.append(_l("Export at most %(years)s years at once.", years=MAX_YEARS))
        return not self.end.errors

    def days(self, today: date | None = None) -> tuple[date, date]:
        """The first and last day asked for: an empty end is today, an empty start DEFAULT_DAYS before the end."""
        end = parse_date(self.end.data) or today or utcnow().date()
        start = parse_date(self.start.data)
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1) if end.toordinal() > DEFAULT_DAYS else date.min
        return start, end


def _slug_field():
    return StringField(
        _l("Short name in addresses (Latin letters, digits, hyphens)"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter a short name.")), Length(max=60)],
    )


class DepartmentForm(FlaskForm):
    slug = _slug_field()
    name_fa = StringField(
        _l("Name in Persian"), filters=[clean_text], validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    name_en = StringField(
        _l("Name in English"), filters=[clean_text], validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    contact_email = EmailField(
        _l("Contact e-mail (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )
    is_active = BooleanField(_l("Active (receives posts)"), default=True)


class CategoryForm(FlaskForm):
    slug = _slug_field()
    name_fa = StringField(
        _l("Name in Persian"), filters=[clean_text], validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    name_en = StringField(
        _l("Name in English"), filters=[clean_text], validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    default_department = SelectField(
        _l("Default department"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )
    accepts_problems = BooleanField(_l("Accepts problems"), default=True)
    accepts_ideas = BooleanField(_l("Accepts ideas"), default=True)
    position = IntegerField(_l("Order"), default=0, validators=[InputRequired(), NumberRange(0, 1000)])
    is_active = BooleanField(_l("Open for new posts"), default=True)


class ResponseTemplateForm(FlaskForm):
    action = SelectField(_l("For the action"), choices=RESPONSE_ACTION_CHOICES, validators=[DataRequired()])
    title = StringField(
        _l("Title (for staff)"), filters=[clean_text], validators=[DataRequired(_l("Enter a title.")), Length(max=120)]
    )
    body = TextAreaField(
        _l("Public text"),
        filters=[multiline],
        validators=[DataRequired(_l("Write the text of the response.")), Length(max=NOTE_MAX)],
    )
    position = IntegerField(_l("Order"), default=0, validators=[InputRequired(), NumberRange(0, 1000)])
    is_active = BooleanField(_l("Offered to staff"), default=True)
