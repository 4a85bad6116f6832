"""Forms of calls for ideas: opening one, extending it, posting an idea, publishing the outcome."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.calls.services import QUESTION_MAX, TEXT_MAX, TITLE_MAX
from app.core.dates import parse_date
from app.core.fields import DecimalNumberField, MultiCheckboxField, WholeNumberField
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.posts import rules
from app.posts.forms import LocationFields, int_or_none, multiline

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
    categories = MultiCheckboxField(
        _l("Categories of the ideas"),
        coerce=int_or_none,
        validate_choice=False,
        description=_l("Residents file their idea in one of these."),
        validators=[DataRequired(_l("Choose at least one category."))],
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
    image = FileField(
        _l("Image (optional)"),
        description=_l("A JPEG, PNG or WebP picture; it is cleaned of its metadata and shown with the call."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    image_token = HiddenField()  # the image received on an earlier try (calls.images.StoredImage.token)
    area_latitude = DecimalNumberField(
        _l("Latitude of the centre"), message=_l("Enter the latitude as a number, like 36.2970.")
    )
    area_longitude = DecimalNumberField(
        _l("Longitude of the centre"), message=_l("Enter the longitude as a number, like 59.6060.")
    )
    area_radius_m = WholeNumberField(
        _l("Radius in metres"), message=_l("Enter the radius as a whole number of metres.")
    )

    validate_opens_on = _check_date
    validate_closes_on = _check_date

    def validate_area_radius_m(self, field) -> None:
        parts = (self.area_latitude.data, self.area_longitude.data, field.data)
        if any(part is not None for part in parts) and any(part is None for part in parts):
            raise ValidationError(_l("For an area, give its centre and its radius, or leave all three empty."))


class ExtendForm(FlaskForm):
    closes_on = _date_field(_l("New last day for ideas"))
    validate_closes_on = _check_date


class IdeaForm(LocationFields, FlaskForm):
    """An idea posted into a call: the post form's fields (its map opens on the call's area, if it has one)."""

    category = SelectField(
        _l("Category"), coerce=int_or_none, validate_choice=False, validators=[DataRequired(_l("Choose a category."))]
    )
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


class IdeaDecisionForm(Form):
    """One idea's decision in the outcome: which post (hidden), taken up or not, and why."""

    post_id = HiddenField(filters=[int_or_none])
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("taken", _l("Taken up")), SelectChoice("not_taken", _l("Not taken up"))],
        default="not_taken",
        validators=[InputRequired(_l("Choose taken up or not."))],
    )
    note = TextAreaField(
        _l("Why (public)"),
        filters=[multiline],
        validators=[Length(max=TEXT_MAX, message=_l("A reason must be at most %(max)d characters long."))],
    )


class OutcomeForm(FlaskForm):
    """The summary and one decision for each idea, matched to its idea by post number (not by
    position: the ideas' order may change while the page is open)."""

    outcome = TextAreaField(
        _l("The outcome: what the department will do"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Write the outcome.")),
            Length(max=TEXT_MAX, message=_l("The outcome must be at most %(max)d characters long.")),
        ],
    )
    decisions = FieldList(FormField(IdeaDecisionForm))

    def for_ideas(self, post_ids: list[int]) -> list:
        """The decision entries in the ideas' order: what was sent for each idea, a fresh entry
        for an idea that was not on the page when it was sent; entries for other posts are dropped."""
        sent = {entry.form.post_id.data: entry for entry in self.decisions if entry.form.post_id.data is not None}
        entries = []
        for post_id in post_ids:
            entry = sent.get(post_id)
            if entry is None:
                entry = self.decisions.append_entry({"post_id": post_id, "decision": "not_taken", "note": ""})
            entries.append(entry)
        self.decisions.entries = entries
        return entries
