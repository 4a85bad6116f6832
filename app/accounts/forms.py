"""Sign-up, sign-in, profile, password and account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.passwords import PASSWORD_MAX, PASSWORD_MIN
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text

NAME_MIN, NAME_MAX = 2, 60


def _email_field(*, check: bool = True) -> EmailField:
    validators = [
        DataRequired(_l("Enter your e-mail address.")),
        Length(max=254, message=_l("The e-mail address is too long.")),
    ]
    if check:
        validators.append(Email(_l("Enter a valid e-mail address."), check_deliverability=False))
    return EmailField(_l("E-mail address"), filters=[clean_text], validators=validators)


def _new_password_field(label) -> PasswordField:
    return PasswordField(
        label,
        description=_l("At least 10 characters, and not one of the common passwords."),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(PASSWORD_MIN, PASSWORD_MAX, _l("The password must be %(min)d to %(max)d characters long.")),
        ],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )


def _display_name_field() -> StringField:
    return StringField(
        _l("Display name"),
        filters=[clean_text],
        description=_l("Shown beside your posts and comments."),
        validators=[
            DataRequired(_l("Enter the name others will see.")),
            Length(NAME_MIN, NAME_MAX, _l("The name must be %(min)d to %(max)d characters long.")),
        ],
    )


class SignupForm(FlaskForm):
    email = _email_field()
    display_name = _display_name_field()
    password = _new_password_field(_l("Password"))
    confirm = _confirm_field()


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
    display_name = _display_name_field()
    locale = SelectField(_l("Language"), choices=[SelectChoice("fa", "فارسی"), SelectChoice("en", "English")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX)],
    )
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = BooleanField(
        _l("I understand: my account and personal data are erased for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""
