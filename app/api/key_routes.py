"""Admins' page for Open311 API keys: issue (shown once), see when each was last used, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts.permissions import can_administer
from app.accounts.services import find_user_by_email
from app.api import credentials
from app.api.models import ApiKey
from app.core.errors import DomainError
from app.core.i18n import lazy_gettext as _l
from app.core.permissions import require
from app.core.text import clean_text
from app.extensions import db

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")


class KeyForm(FlaskForm):
    name = StringField(
        _l("Name of the client"),
        filters=[clean_text],
        validators=[DataRequired(_l("Give the key a name.")), Length(max=80, message=_l("The name is too long."))],
    )
    owner = EmailField(
        _l("E-mail of the owner account"),
        filters=[clean_text],
        description=_l("Reports sent with this key are posted in this account's name."),
        validators=[DataRequired(_l("Enter the owner's e-mail address.")), Length(max=254)],
    )


class RevokeKeyForm(FlaskForm):
    pass


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require(can_administer(current_user))
    form = KeyForm()
    secret = None
    if form.validate_on_submit():
        try:
            _key, secret = credentials.create_api_key(current_user, form.name.data, find_user_by_email(form.owner.data))
        except DomainError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            db.session.commit()
            form = KeyForm(formdata=None)
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())).all()
    return render_template(
        "api/keys.html", form=form, revoke_form=RevokeKeyForm(), secret=secret, keys=keys
    ), 422 if form.errors else 200


@bp.post("/<int:key_id>/revoke")
@login_required
def revoke(key_id: int):
    require(can_administer(current_user))
    key = db.get_or_404(ApiKey, key_id)
    if RevokeKeyForm().validate_on_submit():
        credentials.revoke_api_key(current_user, key)
        db.session.commit()
        flash(_("The key is revoked: its client can no longer send reports."), "success")
    return redirect(url_for("api_keys.index"))
