"""Department staff: the triage dashboard, official responses, notes, assignments, CSV; statistics."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import User
from app.core.cache import LISTS_SCOPE, cached_for_visitors, remembered
from app.core.errors import DomainError, form_error_text, show_error
from app.core.i18n import text_direction
from app.core.l10n import current_language
from app.core.pagination import requested_page
from app.core.permissions import require
from app.core.text import isolate
from app.departments import export, panels, permissions, services, stats
from app.departments.charts import shorten, statistics_charts
from app.departments.forms import AssignForm, ExportForm, InternalNoteForm, QueueFilterForm, RespondForm
from app.departments.models import Department, ResponseTemplate
from app.extensions import db
from app.fixes import stats as fix_stats
from app.moderation import workflow
from app.posts.choices import category_choices
from app.posts.labels import status_label
from app.posts.models import Post, PostStatus
from app.posts.permissions import can_view_post

bp = Blueprint("departments", __name__)
_STATUS_SETS = {
    "open": services.QUEUE_STATUSES,
    "forwarded": (PostStatus.FORWARDED,),
    "in_progress": (PostStatus.IN_PROGRESS,),
    "closed": services.CLOSED_STATUSES,
    "all": (*services.QUEUE_STATUSES, *services.CLOSED_STATUSES),
}


@bp.record_once
def _template_helpers(state) -> None:
    panels.register_hooks(state.app)
    state.app.jinja_env.globals.update(
        can_manage_response_templates=permissions.can_manage_response_templates,
        works_in_a_department=permissions.works_in_a_department,
        shorten=shorten,
        TRANSITION_LABELS={action: move.label for action, move in workflow.TRANSITIONS.items()},
    )


def _department(slug: str) -> Department:
    return db.first_or_404(select(Department).where(Department.slug == slug))


@bp.get("/departments/mine")
@login_required
def mine():
    require(current_user.department is not None)
    return redirect(url_for("departments.dashboard", slug=current_user.department.slug))


def _queue_filter(form: QueueFilterForm) -> tuple[services.QueueFilter, services.QueueSort]:
    data = form.data if form.validate() else {k: f.default for k, f in form._fields.items()}
    assignee = {"me": current_user.id, "none": 0}.get(data.get("assignee") or "")
    near = (
        (float(data["lat"]), float(data["lon"]))
        if data.get("lat") is not None and data.get("lon") is not None
        else None
    )
    filters = services.QueueFilter(
        statuses=_STATUS_SETS.get(data.get("status") or "open", services.QUEUE_STATUSES),
        category_id=data.get("category"),
        older_than_days=int(data["age"]) if data.get("age") else None,
        has_location={"yes": True, "no": False}.get(data.get("location") or ""),
        assignee_id=assignee,
        text=data.get("q") or None,
        near=near,
    )
    return filters, services.QueueSort(data.get("sort") or services.QueueSort.SUPPORT)


@bp.get("/departments/<slug>")
@login_required
def dashboard(slug: str):
    department = _department(slug)
    require(permissions.can_view_department(current_user, department))
    form = QueueFilterForm(request.args)
    form.category.choices = category_choices(_("All categories"))
    filters, sort = _queue_filter(form)
    page = services.department_queue(department, filters, sort, requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template(
        "departments/dashboard.html",
        department=department,
        form=form,
        page=page,
        filters=filters,
        counts=services.queue_counts(department),
        assigned=services.assignments([p.id for p in page.items]),
        distance=services.distance_km,
        export_form=ExportForm(formdata=None),
    ), 400 if form.errors else 200


@bp.get("/departments/<slug>/export.csv")
@login_required
def export_csv(slug: str):
    department = _department(slug)
    require(permissions.can_export(current_user, department))
    form = ExportForm(request.args)
    if not form.validate():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return render_template("departments/export_error.html", department=department, form=form), 400
    start, end = form.days()
    filename = f"{department.slug}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        export.export_posts(department, start, end),
        mimetype="text/csv",  # Flask adds "; charset=utf-8" to text types itself
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _post_page_error(post: Post, message: str, code: int, form=None):
    db.session.rollback()
    return render_template("departments/action_failed.html", post=post, message=message, form=form), code


@bp.post("/departments/posts/<int:post_id>/respond")
@login_required
def respond(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    form = RespondForm()
    if not form.validate_on_submit():
        return _post_page_error(post, form_error_text(form), 422, form)
    template = db.session.get(ResponseTemplate, form.template.data) if form.template.data else None
    try:
        services.respond(post, form.action.data, current_user, template=template, note=form.note.data)
    except DomainError as error:
        return _post_page_error(post, error.message, error.status, form)
    db.session.commit()
    flash(_("Done: the post is now “%(status)s”.", status=status_label(post.status)), "success")
    return redirect(url_for("posts.show", post_id=post.id))


@bp.post("/departments/posts/<int:post_id>/assign")
@login_required
def assign(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    require(permissions.can_triage(current_user, post))
    form = AssignForm()
    assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
    try:
        if not form.validate_on_submit() or (form.assignee.data and assignee is None):
            raise services.TriageError(_("Choose a staff member of this post's department."))
        services.assign_post(post, assignee, current_user)
    except DomainError as error:
        return _post_page_error(post, error.message, 422)
    db.session.commit()
    flash(
        _("Assigned to %(name)s.", name=isolate(assignee.display_name)) if assignee else _("Nobody is assigned now."),
        "success",
    )
    return redirect(url_for("posts.show", post_id=post.id))


@bp.post("/departments/posts/<int:post_id>/notes")
@login_required
def add_note(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    require(permissions.can_write_internal_note(current_user, post))
    form = InternalNoteForm()
    if form.validate_on_submit():
        try:
            services.add_internal_note(post, current_user, form.body.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The internal note is saved."), "success")
            return redirect(url_for("posts.show", post_id=post.id, _anchor="internal-notes"))
    return _post_page_error(post, _("The note was not saved."), 422, form)


@bp.get("/statistics")
@cached_for_visitors(scope=LISTS_SCOPE)
def statistics():
    charts = statistics_charts(rtl=text_direction(current_language()) == "rtl")
    return render_template(
        "departments/statistics.html",
        charts=charts,
        top=stats.most_supported_open(),
        window=stats.WINDOW_DAYS,
        confirmations=remembered(
            "confirmations",
            lambda: fix_stats.confirmation_stats(days=stats.WINDOW_DAYS),
            every_seconds=stats.FIGURES_REFRESH_SECONDS,
        ),
    )


from app.departments import admin_routes  # noqa: E402, F401  (routes on bp)
