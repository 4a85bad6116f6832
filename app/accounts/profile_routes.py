"""The user's own settings: profile, password, sign-ins, their data, deleting the account."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.accounts import personal_data, services
from app.accounts.forms import ButtonForm, ChangePasswordForm, DeleteAccountForm, ProfileForm
from app.accounts.routes import _form_error, bp
from app.core.errors import DomainError
from app.extensions import db


def _profile_page(profile_form=None, password_form=None):
    forms = {
        "form": profile_form or ProfileForm(formdata=None, obj=current_user),
        "password_form": password_form or ChangePasswordForm(formdata=None),
        "button_form": ButtonForm(formdata=None),
    }
    has_errors = any(form.errors for form in forms.values())
    return render_template("accounts/profile.html", **forms), 422 if has_errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, display_name=form.display_name.data, locale=form.locale.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(profile_form=form)


@bp.post("/profile/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current_password.data, new=form.password.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed. You are signed out on every other device."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(password_form=form)


@bp.post("/profile/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    services.end_sessions(current_user)  # CSRFProtect has checked the token of every POST
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/profile/data.json")
@login_required
def download_data():
    data = personal_data.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="shahrvand-my-data.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            personal_data.delete_account(current_user, password=form.password.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Your posts stay, without your name."), "info")
            return redirect(url_for("posts.index"))
    return render_template("accounts/delete.html", form=form), 200 if not form.errors else 422
