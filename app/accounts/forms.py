"""Sign-up, sign-in and profile forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text

PASSWORD_MIN, PASSWORD_MAX = 8, 128
NAME_MIN, NAME_MAX = 2, 60


class SignupForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
    )
    display_name = StringField(
        _l("Display name"),
        filters=[clean_text],
        description=_l("Shown beside your posts and comments."),
        validators=[
            DataRequired(_l("Enter the name others will see.")),
            Length(NAME_MIN, NAME_MAX, _l("The name must be %(min)d to %(max)d characters long.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters."),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(PASSWORD_MIN, PASSWORD_MAX, _l("The password must be %(min)d to %(max)d characters long.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the name others will see.")),
            Length(NAME_MIN, NAME_MAX, _l("The name must be %(min)d to %(max)d characters long.")),
        ],
    )
    locale = SelectField(_l("Language"), choices=[SelectChoice("fa", "فارسی"), SelectChoice("en", "English")])
