"""A resident's public page, and where they choose whether it is public."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.accounts.models import User
from app.accounts.permissions import is_signed_in
from app.core.hooks import add_template_hook
from app.core.i18n import lazy_gettext as _l
from app.core.permissions import require
from app.extensions import db
from app.people import services

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.record_once
def _template_hooks(state) -> None:
    add_template_hook(state.app, "post-author", _post_author)


def _post_author(post) -> str:
    """The author's name on a post's page, linked to their profile when it is public."""
    return render_template("people/_author.html", author=post.author, is_public=services.is_profile_public(post.author))


class PrivacyForm(FlaskForm):
    is_public = BooleanField(_l("Show my public profile: my name, when I joined, and what I published"))


def can_view_profile(viewer, user: User) -> bool:
    """Everyone sees a public profile; a private one only its owner."""
    return services.is_profile_public(user) or (is_signed_in(viewer) and viewer.id == user.id)


@bp.get("/<int:user_id>")
def show(user_id: int):
    user = db.get_or_404(User, user_id)
    require(can_view_profile(current_user, user), hide=True)
    return render_template(
        "people/show.html", profile=services.profile_of(user), is_public=services.is_profile_public(user)
    )


@bp.route("/me/privacy", methods=["GET", "POST"])
@login_required
def privacy():
    form = PrivacyForm(
        data={"is_public": services.is_profile_public(current_user)} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.set_profile_public(current_user, form.is_public.data)
        db.session.commit()
        flash(_("Your choice is saved."), "success")
        return redirect(url_for("people.privacy"))
    db.session.rollback()
    return render_template("people/privacy.html", form=form), 422 if form.errors else 200
