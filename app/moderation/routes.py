"""Moderators' pages: the pending, promising and flags tabs, and the endpoints behind their buttons."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.accounts.permissions import can_moderate
from app.core.errors import DomainError, form_error_text, show_error
from app.core.hooks import render_hook
from app.core.l10n import format_number
from app.core.page_context import add_page_context
from app.core.pagination import paginate, requested_page
from app.core.permissions import require
from app.core.redirects import safe_next_url
from app.extensions import db
from app.moderation import audit, flags, panels, promising, services, workflow  # noqa: F401  (audit: signal receiver)
from app.moderation.forms import (
    BulkForm,
    DuplicateForm,
    RecategoriseForm,
    RejectForm,
    RetitleForm,
    TransitionForm,
    department_choices,
    reason_choices,
)
from app.moderation.labels import (
    audit_action_label,
    flag_reason_label,
    role_label,
)
from app.moderation.models import ReasonTemplate
from app.moderation.permissions import (
    can_block,
    can_change_role,
    can_edit_post_as_moderator,
    can_flag,
    can_search_by_email,
    can_view_audit,
)
from app.posts.choices import active_departments, category_choices, find_department
from app.posts.labels import status_label
from app.posts.models import Category, Post
from app.posts.permissions import can_view_post

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.record_once
def _template_helpers(state) -> None:
    panels.register_hooks(state.app)
    add_page_context(state.app, _waiting_for_moderators)
    state.app.jinja_env.globals.update(
        can_flag=can_flag,
        can_block=can_block,
        flag_reason_label=flag_reason_label,
        role_label=role_label,
        can_change_role=can_change_role,
        audit_action_label=audit_action_label,
        can_view_audit=can_view_audit,
        can_search_by_email=can_search_by_email,
    )


def _waiting_for_moderators() -> dict:
    """The header's badge and the moderation tabs: what waits for a moderator (for those who moderate)."""
    return {"moderation_waiting": services.waiting_counts() if can_moderate(current_user) else None}


def _reason_choices() -> list[SelectChoice]:
    return reason_choices(services.active_reason_templates())


@bp.get("/")
@login_required
def queue():
    require(can_moderate(current_user))
    page = paginate(services.pending_query(), requested_page(), current_app.config["POSTS_PER_PAGE"])
    reasons = _reason_choices()
    bulk = BulkForm(formdata=None)
    bulk.template.choices = reasons
    bulk.post_ids.choices = [(str(post.id), post.title) for post in page.items]
    categories = category_choices(_("Choose a category"))
    return render_template(
        "moderation/queue.html",
        page=page,
        bulk_form=bulk,
        ticks={int(option.data): option for option in bulk.post_ids},
        forms={post.id: _pending_post_forms(post, reasons, categories) for post in page.items},
        records=services.author_records([post.author_id for post in page.items]),
        similar={
            post.id: render_hook(
                "pending-post-similar", post=post, heading_level=4, back_to=url_for("moderation.queue"), shown=2
            )
            for post in page.items
        },
        tab="pending",
    )


def _pending_post_forms(post: Post, reasons: list[SelectChoice], categories: list[SelectChoice]) -> dict:
    """The forms under a pending post in the queue, filled with what the post has now."""
    back = url_for("moderation.queue")
    reject = RejectForm(formdata=None, next=back)
    reject.template.choices = reasons
    recategorise = RecategoriseForm(formdata=None, category=post.category_id, next=back)
    recategorise.category.choices = categories
    retitle = RetitleForm(formdata=None, title=post.title, next=back)
    retitle.title.label.text = _("Clearer title (the original is kept)")
    duplicate = DuplicateForm(formdata=None, next=back)
    duplicate.original.label.text = _("Duplicate of post number")
    return {"reject": reject, "recategorise": recategorise, "retitle": retitle, "duplicate": duplicate}


@bp.get("/promising")
@login_required
def promising_tab():
    require(can_moderate(current_user))
    scored = promising.promising_posts()
    departments = department_choices(active_departments())
    return render_template(
        "moderation/promising.html",
        scored=scored,
        handed_back=promising.handed_back_posts(),
        forward_forms={item.post.id: _forward_form(item.post, departments) for item in scored},
        tab="promising",
    )


def _forward_form(post: Post, departments: list[SelectChoice]) -> TransitionForm:
    """ "Another department or a note…" under a promising post: its category's department chosen."""
    default = post.category.default_department
    form = TransitionForm(formdata=None, action="forward", next=url_for("moderation.promising_tab"))
    form.department.choices = departments
    form.department.data = default.id if default is not None and default.is_active else None
    return form


@bp.post("/posts/<int:post_id>/transition")
@login_required
def transition(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _refused(post, form_error_text(form), 422)
    if form.action.data == "mark_duplicate":  # never in one click: both posts side by side first
        values = {"original": request.form.get("original", ""), "next": request.form.get("next") or None}
        return redirect(url_for("moderation.confirm_duplicate", post_id=post.id, **values), 303)
    department = find_department(form.department.data)
    if request.form.get("department") and department is None:  # a choice that names nothing is no choice
        return _refused(post, _("Choose the department to forward to."), 422, form)
    original = db.session.get(Post, form.original.data) if form.original.data else None
    try:
        workflow.transition(
            post, form.action.data, current_user, note=form.note.data, department=department, original=original
        )
    except DomainError as error:
        return _refused(post, error.message, error.status)
    db.session.commit()
    flash(_("Done: the post is now “%(status)s”.", status=status_label(post.status)), "success")
    return redirect(safe_next_url() if request.form.get("next") else url_for("posts.show", post_id=post.id))


def _refused(post: Post, message: str, code: int, form=None):
    db.session.rollback()
    return render_template("moderation/refused.html", post=post, message=message, form=form), code


@bp.route("/posts/<int:post_id>/reject", methods=["GET", "POST"])
@login_required
def reject(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_moderate(current_user))
    form = RejectForm()
    form.template.choices = _reason_choices()
    if form.validate_on_submit():
        template = db.session.get(ReasonTemplate, form.template.data) if form.template.data else None
        try:
            services.reject_post(post, current_user, template=template, note=form.note.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The post was rejected; its author can read why."), "success")
            return redirect(safe_next_url("moderation.queue"))
    db.session.rollback()
    return render_template("moderation/reject.html", post=post, form=form), 422 if form.errors else 200


def _selected_posts(form: BulkForm) -> list[Post]:
    """The posts ticked for a bulk decision; unknown or malformed numbers are an error, not ignored."""
    ids = form.selected_ids()
    if ids is None:
        raise services.ModerationError(_("Some selected posts do not exist."))
    posts = list(db.session.scalars(select(Post).where(Post.id.in_(ids)).order_by(Post.created_at, Post.id)))
    if len(posts) != len(ids):
        raise services.ModerationError(_("Some selected posts do not exist."))
    return posts


@bp.post("/bulk")
@login_required
def bulk():
    require(can_moderate(current_user))
    form = BulkForm()
    form.template.choices = _reason_choices()
    try:
        if not form.validate_on_submit():
            raise services.ModerationError(form_error_text(form))
        posts = _selected_posts(form)
        template = db.session.get(ReasonTemplate, form.template.data) if form.template.data else None
        result = services.bulk_decide(posts, form.action.data, current_user, template=template, note=form.note.data)
    except DomainError as error:
        return _refused(None, error.message, 422, form=form)
    db.session.commit()
    done = len(result.done)
    flash(ngettext("%(count)s post handled.", "%(count)s posts handled.", done, count=format_number(done)), "success")
    for post, why in result.skipped:
        flash(_("Skipped #%(id)s: %(why)s.", id=post.id, why=why), "warning")
    return redirect(url_for("moderation.queue"))


@bp.route("/posts/<int:post_id>/category", methods=["GET", "POST"])
@login_required
def recategorise(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_edit_post_as_moderator(current_user, post))
    form = RecategoriseForm(category=post.category_id)
    form.category.choices = category_choices(_("Choose a category"))
    if form.validate_on_submit():
        try:
            services.recategorise_post(post, db.session.get(Category, form.category.data), current_user)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The category is changed."), "success")
            return redirect(safe_next_url() if request.form.get("next") else url_for("posts.show", post_id=post.id))
    db.session.rollback()
    return render_template("moderation/recategorise.html", post=post, form=form), 422 if form.errors else 200


@bp.route("/posts/<int:post_id>/title", methods=["GET", "POST"])
@login_required
def retitle(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_edit_post_as_moderator(current_user, post))
    form = RetitleForm(title=post.title)
    if form.validate_on_submit():
        try:
            services.retitle_post(post, form.title.data, current_user)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The title is clarified; the author’s original stays on record."), "success")
            return redirect(safe_next_url() if request.form.get("next") else url_for("posts.show", post_id=post.id))
    db.session.rollback()
    return render_template("moderation/retitle.html", post=post, form=form), 422 if form.errors else 200


from app.moderation import (  # noqa: E402, F401  (routes on bp; revisions: signal receiver)
    admin_routes,
    duplicate_routes,
    flag_routes,
    people_routes,
    personal_data,
    revision_routes,
    revisions,
)
