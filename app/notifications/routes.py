"""The bell, the list of notifications, marking them read, and e-mail settings."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.permissions import is_signed_in
from app.core.l10n import format_number
from app.core.page_context import add_page_context
from app.core.permissions import require
from app.core.personal import add_own_part
from app.extensions import db
from app.notifications import account_mail, mail, services, subscribers, texts  # noqa: F401  (signal receivers)
from app.notifications.forms import PreferencesForm, UnsubscribeForm, preference_fields
from app.notifications.models import Delivery, Notification, NotificationKind

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 30


@bp.record_once
def _template_helpers(state) -> None:
    add_page_context(
        state.app,
        lambda: {"unread_notifications": services.unread_count(current_user) if is_signed_in(current_user) else 0},
    )
    state.app.jinja_env.globals.update(
        describe_notification=texts.describe,
        notification_detail=texts.detail,
    )
    add_own_part(state.app, "bell", _bell)


def _bell(frame) -> str:
    """The reader's bell (a reader's own part of shared pages), from the unread count loaded before
    the page renders (app.core.page_context): rendered once per language and count."""
    unread = frame["unread_notifications"]
    rendered = current_app.extensions.setdefault("shahrvand_bells", {})
    key = (str(get_locale()), unread)
    if key not in rendered:
        if len(rendered) > 1000:
            rendered.clear()
        rendered[key] = render_template("notifications/_bell.html", unread=unread)
    return rendered[key]


@bp.get("/")
@login_required
def index():
    unread_only = request.args.get("show") == "unread"
    page = services.list_notifications(
        current_user, max(request.args.get("page", 1, type=int), 1), PER_PAGE, unread_only=unread_only
    )
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    require(notification.user_id == current_user.id, hide=True)
    services.mark_read(notification)
    db.session.commit()
    endpoint, values = texts.target(notification)
    return redirect(url_for(endpoint, **values))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    require(notification.user_id == current_user.id, hide=True)
    services.mark_read(notification)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(
        _("%(count)s notifications marked as read.", count=format_number(count)) if count else _("Nothing was unread."),
        "success",
    )
    return redirect(url_for("notifications.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop every e-mail to the account the signed link names; no sign-in (the link is the proof)."""
    user_id = mail.user_id_from_unsubscribe_token(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    require(user is not None, hide=True)
    form = UnsubscribeForm()
    if form.validate_on_submit():
        services.stop_all_email(user)
        db.session.commit()
        return render_template("notifications/unsubscribed.html")
    return render_template("notifications/unsubscribe.html", form=form)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    current = services.preferences(current_user)
    form = PreferencesForm(
        data={kind.value: delivery.value for kind, delivery in current.items()} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.set_preferences(
            current_user, {kind: Delivery(getattr(form, kind.value).data) for kind in NotificationKind}
        )
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, fields=preference_fields(form)), (
        422 if form.errors else 200
    )
