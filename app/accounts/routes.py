"""Sign-up, sign-in, sign-out, e-mail verification and password reset."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse
from sqlalchemy.exc import IntegrityError

from app.accounts import permissions, recovery, services
from app.accounts.addresses import safe_email_key
from app.accounts.forms import ButtonForm, ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from app.accounts.models import Role
from app.core.errors import DomainError, show_error
from app.core.i18n import chosen_language
from app.core.personal import add_own_part
from app.core.rate_limits import setting
from app.core.redirects import is_safe_path, safe_next_url
from app.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    return services.load_user(user_id)


@bp.record_once
def _template_helpers(state) -> None:
    # Globals, not a context processor: macros imported without context (user_name) see them too.
    state.app.jinja_env.globals.update(needs_verification=permissions.needs_verification, role_badge=role_badge)
    add_own_part(state.app, "banners", _banners)


def _banners(_frame) -> str:
    """What the reader's account needs them to know on every page (blocked, address not confirmed):
    a reader's own part of shared pages, mostly empty."""
    if not current_user.is_authenticated or not (
        current_user.is_blocked or permissions.needs_verification(current_user)
    ):
        return ""
    return render_template("_banners.html")


def role_badge(user) -> str | None:
    """The badge beside the names of the city's staff (none for residents and deleted accounts)."""
    if user is None or user.is_deleted:
        return None
    return {
        Role.MODERATOR: _("moderator"),
        Role.STAFF: _("city staff"),
        Role.ADMIN: _("administrator"),
    }.get(user.role)


def _form_error(form, error: DomainError) -> None:
    """Account forms show a refusal that names no field of theirs beside the address (or the password)."""
    if not (error.field and error.field in form._fields):
        error.field = "email" if "email" in form._fields else "password"
    show_error(error, form)


def _mailbox_asked_about() -> str:
    return "mailbox:" + safe_email_key(request.form.get("email", ""))


def _owner_mail_allowed(email: str) -> bool:
    """Whether this mailbox may get one more "someone tried to sign up with your address" e-mail:
    every sign-up for the address (known or not, so that nothing differs) counts as it arrives, in
    the limiter's storage (atomic: sign-ups sent at once cannot all pass). The page never says."""
    if not limiter.enabled:
        return True
    limit = parse(current_app.config["SIGNUP_OWNER_MAIL_RATE_LIMIT"])
    return limiter.limiter.hit(limit, "signup-owner-mail", safe_email_key(email))


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
            services.sign_up(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=chosen_language(),  # a visitor's choice becomes the account's
                may_tell_owner=_owner_mail_allowed(form.email.data),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            try:
                db.session.commit()
            except IntegrityError:  # the same address signed up at the same moment: it has its account
                db.session.rollback()
            # The same answer whether the address was new or already had an account (its owner gets an e-mail).
            flash(_("Almost done: we sent a link to your e-mail address. Open it to confirm the address."), "success")
            return redirect(url_for("accounts.login"))
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
        if user is not None:
            services.start_session(user)
        db.session.commit()  # records the failure, or the sign-in
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url())
        form.password.errors.append(_("The e-mail address or password is not correct."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)  # CSRFProtect has checked the token of every POST
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("posts.index"))


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    """The link in the e-mail opens a page with one button (every change is a POST)."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            recovery.verify_email(token)
        except recovery.LinkError as error:
            return render_template("accounts/link_invalid.html", message=str(error)), error.status
        db.session.commit()
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(url_for("posts.index") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/verify_email.html", form=form)


def _account_or_address() -> str:
    return (
        "account:" + (current_user.get_id() or "").partition(":")[0]
        if current_user.is_authenticated
        else get_remote_address()
    )


@bp.post("/verify-email/resend")
@limiter.limit(setting("VERIFY_MAIL_RATE_LIMIT"), key_func=_account_or_address)
@login_required
def resend_verification():
    if recovery.send_verification(current_user):
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(safe_next_url())


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(setting("RESET_RATE_LIMIT"), methods=["POST"])
@limiter.limit(setting("RESET_PER_MAILBOX_RATE_LIMIT"), methods=["POST"], key_func=_mailbox_asked_about)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 200 if not form.errors else 422


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        recovery.user_for_reset(token)
    except recovery.LinkError as error:
        return render_template("accounts/link_invalid.html", message=str(error)), error.status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data)
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # its sign-in has just ended with the others
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 200 if not form.errors else 422


from app.accounts import profile_routes  # noqa: E402, F401  (routes on bp)
