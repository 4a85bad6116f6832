"""The profile's API tokens page: create a token (shown once) and revoke tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.api import credentials
from app.api.models import ApiToken
from app.core.errors import DomainError
from app.core.i18n import lazy_gettext as _l
from app.core.permissions import require
from app.core.text import clean_text
from app.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/profile/api-tokens")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the new token"),
        filters=[clean_text],
        description=_l("Where you will use it, e.g. “my phone app”."),
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=credentials.NAME_MAX, message=_l("The name is too long.")),
        ],
    )


class RevokeForm(FlaskForm):
    pass


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = credentials.create_api_token(current_user, form.name.data)
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    status = 422 if form.errors else 200
    return render_template(
        "api/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        secret=secret,
        tokens=credentials.active_tokens(current_user),
    ), status


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    require(token.user_id == current_user.id, hide=True)
    if RevokeForm().validate_on_submit():
        credentials.revoke_api_token(current_user, token)
        db.session.commit()
        flash(_("The token is revoked: programs using it can no longer reach your account."), "success")
    return redirect(url_for("api_tokens.index"))
