"""Admins' moderation pages: the audit log, thresholds and reason templates."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.services import find_user_by_email
from app.core.dates import parse_date
from app.core.pagination import requested_page
from app.core.permissions import require
from app.extensions import db
from app.moderation import audit, services
from app.moderation.audit_text import describe
from app.moderation.forms import AuditFilterForm, ReasonTemplateForm, ThresholdsForm, post_number
from app.moderation.labels import audit_action_label
from app.moderation.models import ReasonTemplate
from app.moderation.permissions import can_manage_settings, can_search_by_email, can_view_audit
from app.moderation.routes import bp
from app.moderation.settings import Thresholds, thresholds, update_thresholds
from app.posts.forms import int_or_none


def _audit_filter() -> tuple[AuditFilterForm, audit.AuditFilter]:
    """The filters from the query string; a filter that cannot be read carries its message."""
    form = AuditFilterForm(request.args)
    if can_search_by_email(current_user):
        form.actor.label.text = _("Who (e-mail or user number)")
    visible = audit.visible_actions(current_user)
    form.action.choices = [("", _("All actions"))] + [
        (action, audit_action_label(action)) for action in audit.known_actions(visible)
    ]
    form.validate()
    actor_id = None
    if form.actor.data:
        by_email = "@" in form.actor.data
        if by_email and not can_search_by_email(current_user):
            actor = None  # only those who see addresses find people by them
        elif by_email:
            actor = find_user_by_email(form.actor.data)
        else:
            actor = db.session.get(User, int_or_none(form.actor.data) or 0)
        actor_id = actor.id if actor else -1
        if actor is None:
            form.actor.errors = [*form.actor.errors, _("No user matches “%(who)s”.", who=form.actor.data)]
    since, until = parse_date(form.since.data), parse_date(form.until.data)
    filters = audit.AuditFilter(
        visible=visible,
        actor_id=actor_id,
        action=form.action.data or None,
        subject_type=form.subject.data or None,
        post_id=post_number(form.post.data),
        since=since,
        until=until + timedelta(days=1) if until else None,
    )
    return form, filters


@bp.get("/audit")
@login_required
def audit_log():
    require(can_view_audit(current_user))
    form, filters = _audit_filter()
    page = audit.list_audit(filters, requested_page(), current_app.config["POSTS_PER_PAGE"] * 2)
    return render_template(
        "moderation/audit.html", form=form, page=page, lines=describe(page.items), tab="audit"
    ), 400 if any(field.errors for field in form) else 200


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    require(can_manage_settings(current_user))
    current = thresholds()
    form = ThresholdsForm(data=asdict(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        update_thresholds(
            current_user,
            Thresholds(
                flag_hide=form.flag_hide.data,
                promising=float(form.promising.data),
                auto_forward_enabled=form.auto_forward_enabled.data,
                auto_forward=float(form.auto_forward.data),
            ),
        )
        db.session.commit()
        flash(_("The thresholds are saved."), "success")
        return redirect(url_for("moderation.settings"))
    return render_template(
        "moderation/settings.html", form=form, templates=services.all_reason_templates(), tab="settings"
    ), 422 if form.errors else 200


@bp.route("/reasons/new", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/reasons/<int:template_id>", methods=["GET", "POST"])
@login_required
def edit_reason(template_id: int | None):
    template = db.get_or_404(ReasonTemplate, template_id) if template_id is not None else None
    require(can_manage_settings(current_user))
    form = ReasonTemplateForm(obj=template)
    if form.validate_on_submit():
        services.save_reason_template(
            current_user,
            template,
            **{
                name: getattr(form, name).data
                for name in ("title_fa", "title_en", "body_fa", "body_en", "position", "is_active")
            },
        )
        db.session.commit()
        flash(_("The reason template is saved."), "success")
        return redirect(url_for("moderation.settings"))
    return render_template("moderation/reason.html", form=form, template=template, tab="settings"), (
        422 if form.errors else 200
    )
