"""Sign-up, sign-in, sign-out and the user's own settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import LoginForm, ProfileForm, SignupForm
from app.core.rate_limits import setting
from app.core.redirects import is_safe_path, safe_next_url
from app.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    return services.load_user(user_id)


@bp.route("/signup", methods=["GET", "POST"])
# Each new account costs an Argon2 hash and is one more vote on every post: bounded per address.
# Counted on entry: every try, kept or not, so that a burst cannot pass the check before it is counted.
@limiter.limit(setting("SIGNUP_RATE_LIMIT"), methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("posts.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data, display_name=form.display_name.data, password=form.password.data
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(safe_next_url())
    return render_template("accounts/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(setting("LOGIN_RATE_LIMIT"), methods=["POST"])  # every guess, counted before it is checked
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url())
    form = LoginForm()
    if request.method == "GET" and is_safe_path(request.args.get("next")):
        form.next.data = request.args["next"]
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginThrottledError as error:
            form.password.errors.append(str(error))
            return render_template("accounts/login.html", form=form), 429
        db.session.commit()  # records the failure or clears the count
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url())
        form.password.errors.append(_("The e-mail address or password is not correct."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
@login_required
def logout():
    logout_user()  # CSRFProtect has checked the token of every POST
    flash(_("You are signed out."), "info")
    return redirect(url_for("posts.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, display_name=form.display_name.data, locale=form.locale.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form), 200 if not form.errors else 422
