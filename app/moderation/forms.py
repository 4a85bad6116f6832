"""Forms behind the moderators' buttons: workflow moves, reasons, flags, users and thresholds."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.dates import parse_date
from app.core.fields import MultiCheckboxField
from app.core.i18n import lazy_gettext as _l
from app.core.text import ascii_digits, clean_text
from app.core.validators import Finite
from app.core.web import localized
from app.moderation.flags import NOTE_MAX as FLAG_NOTE_MAX
from app.moderation.labels import FLAG_REASON_LABELS, ROLE_LABELS
from app.moderation.users import REASON_MAX
from app.moderation.workflow import NOTE_MAX
from app.posts import rules
from app.posts.forms import int_or_none, multiline


def post_number(value: str | None) -> int | None:
    """A post number as typed: Persian digits, a leading '#', or a whole post address all work."""
    if not value:
        return None
    digits = ascii_digits(clean_text(value)).rstrip("/").rsplit("/", 1)[-1].lstrip("#")
    return int_or_none(digits)


def _note(label, max_length: int = NOTE_MAX):
    return TextAreaField(
        label,
        filters=[multiline],
        validators=[
            Optional(),
            Length(max=max_length, message=_l("The note must be at most %(max)d characters long.")),
        ],
    )


def reason_choices(templates) -> list[SelectChoice]:
    """The reject forms' reasons: the moderator's own words, or one of the reason templates."""
    return [SelectChoice("", _l("No template: my own words"))] + [
        SelectChoice(template.id, localized(template, "title")) for template in templates
    ]


def department_choices(departments) -> list[SelectChoice]:
    return [SelectChoice(department.id, localized(department)) for department in departments]


class TransitionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    note = _note(_l("Public note"))
    department = SelectField(_l("Department"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    original = StringField(_l("Number of the original post"), filters=[post_number], validators=[Optional()])
    next = HiddenField()


class WithdrawForm(FlaskForm):
    note = _note(_l("Why (optional, shown on the timeline)"))


class DuplicateForm(FlaskForm):
    """The confirmation of "this repeats that post" (both posts are shown beside it)."""

    original = StringField(
        _l("Number of the original post"),
        filters=[post_number],
        validators=[DataRequired(_l("Enter the number of the original post."))],
    )
    move_supporters = BooleanField(_l("Move its supporters to the original (each voter is counted once)"))
    note = _note(_l("Public note"))
    next = HiddenField()


class RejectForm(FlaskForm):
    template = SelectField(_l("Reason"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    note = _note(_l("In your own words (the author reads this)"))
    next = HiddenField()


class BulkForm(FlaskForm):
    action = SelectField(
        _l("Action"),
        choices=[
            SelectChoice("approve", _l("Approve")),
            SelectChoice("reject", _l("Reject")),
        ],
        validators=[DataRequired(_l("Choose approve or reject."))],
    )
    template = SelectField(_l("Reason"), coerce=int_or_none, validate_choice=False, validators=[Optional()])
    note = _note(_l("In your own words (the author reads this)"))
    # One tick box on each pending post's card (outside the form, joined by `form="bulk-form"`);
    # the queue's view sets the choices to the page's posts, the service checks what was sent.
    post_ids = MultiCheckboxField(_l("Posts"), coerce=str, validate_choice=False)

    def selected_ids(self) -> set[int] | None:
        """The ticked post numbers, or None when one of them is not a number."""
        ids = {int_or_none(value) for value in self.post_ids.data or ()}
        return None if None in ids else ids


class RecategoriseForm(FlaskForm):
    category = SelectField(
        _l("Category"), coerce=int_or_none, validate_choice=False, validators=[DataRequired(_l("Choose a category."))]
    )
    next = HiddenField()


class RetitleForm(FlaskForm):
    title = StringField(
        _l("Clearer title"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(rules.TITLE_MIN, rules.TITLE_MAX, _l("The title must be %(min)d to %(max)d characters long.")),
        ],
    )
    next = HiddenField()


_REASON_CHOICES = [SelectChoice(reason.value, label) for reason, label in FLAG_REASON_LABELS.items()]


class FlagForm(FlaskForm):
    reason = SelectField(
        _l("What is wrong?"), choices=_REASON_CHOICES, validators=[DataRequired(_l("Choose what is wrong."))]
    )
    note = _note(_l("Details (optional; required for “something else”)"), FLAG_NOTE_MAX)


class DecideFlagsForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])
    reason = SelectField(_l("Reason the author will read"), choices=_REASON_CHOICES, validators=[Optional()])
    note = _note(_l("Note to the author (optional)"), FLAG_NOTE_MAX)
    next = HiddenField()


class BlockForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the user reads it)"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Write the reason: the user will read it.")),
            Length(max=REASON_MAX, message=_l("The reason must be at most %(max)d characters long.")),
        ],
    )


class UnblockForm(FlaskForm):
    note = _note(_l("Note for the audit log (optional)"), REASON_MAX)


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired()],
    )
    department = SelectField(
        _l("Department (staff only)"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )


class ThresholdsForm(FlaskForm):
    flag_hide = IntegerField(
        _l("Flags that hide a post or comment until a moderator decides"),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(1, 100, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    promising = FloatField(
        _l("Support score for the “promising” tab"),
        validators=[
            InputRequired(_l("Enter a number.")),
            Finite(),
            NumberRange(1, 100_000, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    auto_forward_enabled = BooleanField(_l("Forward automatically to the category’s department"))
    auto_forward = FloatField(
        _l("Support score for automatic forwarding"),
        validators=[
            InputRequired(_l("Enter a number.")),
            Finite(),
            NumberRange(1, 100_000, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )

    def validate_auto_forward(self, field) -> None:
        if self.promising.data is not None and field.data is not None and field.data <= self.promising.data:
            raise ValidationError(_l("Automatic forwarding needs a higher score than the promising tab."))


class ReasonTemplateForm(FlaskForm):
    title_fa = StringField(
        _l("Title in Persian"), filters=[clean_text], validators=[DataRequired(_l("Enter a title.")), Length(max=120)]
    )
    title_en = StringField(
        _l("Title in English"), filters=[clean_text], validators=[DataRequired(_l("Enter a title.")), Length(max=120)]
    )
    body_fa = TextAreaField(
        _l("Text in Persian"),
        filters=[multiline],
        validators=[DataRequired(_l("Write the text.")), Length(max=NOTE_MAX)],
    )
    body_en = TextAreaField(
        _l("Text in English"),
        filters=[multiline],
        validators=[DataRequired(_l("Write the text.")), Length(max=NOTE_MAX)],
    )
    position = IntegerField(_l("Order"), default=0, validators=[InputRequired(), NumberRange(0, 1000)])
    is_active = BooleanField(_l("Offered to moderators"), default=True)


FILTER_MAX = 254  # characters of a filter: the longest e-mail address


def _filter_text(label):
    return StringField(
        label,
        filters=[clean_text],
        validators=[Length(max=FILTER_MAX, message=_l("Write at most %(max)d characters here."))],
    )


def _date(_form, field) -> None:
    if field.data and len(field.data) <= FILTER_MAX and parse_date(field.data) is None:
        raise ValidationError(_("“%(value)s” is not a date.", value=field.data))


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF). The view sets
    the actor's label (who may search by address) and the actions this reader may see."""

    class Meta:
        csrf = False

    actor = _filter_text(_l("Who (user number)"))
    action = SelectField(_l("Action"), validate_choice=False, validators=[Optional()])
    post = _filter_text(_l("Post number"))
    since = _filter_text(_l("From"))
    until = _filter_text(_l("To"))
    subject = HiddenField()

    def validate_post(self, field) -> None:
        if field.data and len(field.data) <= FILTER_MAX and post_number(field.data) is None:
            raise ValidationError(_("“%(value)s” is not a post number.", value=field.data))

    def validate_since(self, field) -> None:
        _date(self, field)

    def validate_until(self, field) -> None:
        _date(self, field)


class UserFilterForm(FlaskForm):
    """The users list's filters (a GET form: no CSRF). A role or state we do not know filters nothing."""

    class Meta:
        csrf = False

    q = _filter_text(_l("Name"))
    role = SelectField(_l("Role"), validate_choice=False, validators=[Optional()])
    blocked = SelectField(
        _l("Blocked"),
        choices=[
            SelectChoice("", _l("Either")),
            SelectChoice("yes", _l("Blocked")),
            SelectChoice("no", _l("Not blocked")),
        ],
        validate_choice=False,
        validators=[Optional()],
    )
