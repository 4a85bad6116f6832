"""Forms for posts and comments; the posting rules themselves live in app.posts.rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.db import ID_MAX
from app.core.fields import DecimalNumberField, MultiCheckboxField
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.posts import rules, services
from app.posts.models import PostKind


def int_or_none(value) -> int | None:
    """Coerce a submitted id; anything that is not a whole number (in range) becomes None (then rejected)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -ID_MAX <= number <= ID_MAX else None


def multiline(value: str | None) -> str:
    return clean_text(value, multiline=True)


class LocationFields:
    """Where a post is: an address and a point (a form mixin, shared by the post form and a call's idea form)."""

    address = StringField(
        _l("Address or nearest landmark"),
        filters=[clean_text],
        description=_l("For example: Sajjad Boulevard, corner of Bozorgmehr Street, in front of the bakery."),
        validators=[
            Optional(),
            Length(max=rules.ADDRESS_MAX, message=_l("The address must be at most %(max)d characters long.")),
        ],
    )
    # Filled by the map or the browser's location, or typed (any digits): see posts/_location_fields.html.
    latitude = DecimalNumberField(_l("Latitude"), message=_l("Enter the latitude as a number, like 36.2970."))
    longitude = DecimalNumberField(_l("Longitude"), message=_l("Enter the longitude as a number, like 59.6060."))


class PostForm(LocationFields, FlaskForm):
    kind = RadioField(
        _l("What would you like to share?"),
        choices=[
            SelectChoice(PostKind.PROBLEM.value, _l("A problem")),
            SelectChoice(PostKind.IDEA.value, _l("An idea")),
        ],
        default=PostKind.PROBLEM.value,
        validators=[DataRequired(_l("Choose a problem or an idea."))],
    )
    title = StringField(
        _l("Title"),
        filters=[clean_text],
        description=_l("A short summary, %(min)d to %(max)d characters.", min=rules.TITLE_MIN, max=rules.TITLE_MAX),
        validators=[
            DataRequired(_l("Enter a title.")),
            Length(rules.TITLE_MIN, rules.TITLE_MAX, _l("The title must be %(min)d to %(max)d characters long.")),
        ],
    )
    body = TextAreaField(
        _l("Description"),
        filters=[multiline],
        description=_l(
            "What, where, since when? %(min)d to %(max)d characters.", min=rules.BODY_MIN, max=rules.BODY_MAX
        ),
        validators=[
            DataRequired(_l("Enter a description.")),
            Length(rules.BODY_MIN, rules.BODY_MAX, _l("The description must be %(min)d to %(max)d characters long.")),
        ],
    )
    category = SelectField(
        _l("Category"),
        coerce=int_or_none,
        validate_choice=False,  # the service checks the category, with a clearer message
        validators=[DataRequired(_l("Choose a category."))],
    )
    # Checked by decoding in app.posts.photos, never by name or declared type; `accept` only helps the picker.
    photos = MultipleFileField(_l("Add photos"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    # The post's photos to remove (edit) and the photos received by an earlier try to keep (browsers
    # empty file inputs after an error): the view sets the choices, the page renders each beside its photo.
    remove_photos = MultiCheckboxField(_l("Remove photos"), coerce=str, validate_choice=False)
    kept_photos = MultiCheckboxField(_l("Keep these photos"), coerce=str, validate_choice=False)

    def validate_latitude(self, field) -> None:
        """The service's location rule, checked early so that one round shows every problem."""
        if field.process_errors or self.longitude.process_errors:
            return
        try:
            services.checked_location(field.data, self.longitude.data)
        except services.PostingError as error:
            raise ValidationError(str(error)) from None


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        filters=[multiline],
        validators=[
            DataRequired(_l("Write a comment first.")),
            Length(rules.COMMENT_MIN, rules.COMMENT_MAX, _l("A comment must be %(min)d to %(max)d characters long.")),
        ],
    )
    parent_id = HiddenField(filters=[int_or_none])


class ListFilterForm(FlaskForm):
    """The list's and the map's filters (a GET form: no token, no session for visitors). The view
    reads the query string itself (list_filters, forgiving odd values) and fills this with what it
    understood, so the form shows the filters in force."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"))
    category = SelectField(_l("Category"))
    status = SelectField(_l("Status"))
    sort = SelectField(
        _l("Order"),
        choices=[
            SelectChoice("hot", _l("Hot")),
            SelectChoice("newest", _l("Newest")),
            SelectChoice("supported", _l("Most supported")),
        ],
    )


class VoteForm(FlaskForm):
    value = HiddenField(filters=[int_or_none], validators=[DataRequired()])
