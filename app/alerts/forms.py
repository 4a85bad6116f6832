"""Forms of the "things I follow" page: add a category, a department or an area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app.core.fields import DecimalNumberField, WholeNumberField
from app.core.i18n import lazy_gettext as _l
from app.posts.forms import int_or_none


class CategoryFollowForm(FlaskForm):
    category = SelectField(
        _l("Category"), coerce=int_or_none, validate_choice=False, validators=[DataRequired(_l("Choose a category."))]
    )


class DepartmentFollowForm(FlaskForm):
    department = SelectField(
        _l("Department"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[DataRequired(_l("Choose a department."))],
    )


class AreaFollowForm(FlaskForm):
    """A neighbourhood from the list, or a circle drawn on the map or typed (the neighbourhood wins)."""

    place = SelectField(_l("A neighbourhood"), validate_choice=False, validators=[Optional()])
    latitude = DecimalNumberField(
        _l("Latitude of the centre"), message=_l("Enter the latitude as a number, like 36.2970.")
    )
    longitude = DecimalNumberField(
        _l("Longitude of the centre"), message=_l("Enter the longitude as a number, like 59.6060.")
    )
    radius_m = WholeNumberField(_l("Radius in metres"), message=_l("Enter the radius as a whole number of metres."))


class EmptyForm(FlaskForm):
    """A one-button POST form: the CSRF token only."""
