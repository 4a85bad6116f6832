"""Moderators' pages and the endpoint behind every workflow button."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.permissions import can_moderate
from app.core.pagination import paginate
from app.core.permissions import require
from app.core.redirects import safe_next_url
from app.departments.models import Department
from app.extensions import db
from app.moderation import workflow
from app.moderation.forms import TransitionForm
from app.posts.labels import status_label
from app.posts.models import Post, PostStatus
from app.posts.permissions import can_view_post

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        available_transitions=workflow.available_transitions,
        timeline=workflow.timeline,
        TransitionForm=TransitionForm,
        active_departments=active_departments,
    )


def active_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.is_active.is_(True)).order_by(Department.id)))


@bp.get("/")
@login_required
def queue():
    require(can_moderate(current_user))
    query = select(Post).where(Post.status == PostStatus.PENDING).order_by(Post.created_at, Post.id)
    page = paginate(query, request.args.get("page", 1, type=int), current_app.config["POSTS_PER_PAGE"])
    return render_template("moderation/queue.html", page=page)


@bp.post("/posts/<int:post_id>/transition")
@login_required
def transition(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _refused(post, " ".join(e for errors in form.errors.values() for e in errors), 422)
    department = db.session.get(Department, form.department.data) if form.department.data else None
    original = db.session.get(Post, form.original.data) if form.original.data else None
    try:
        workflow.transition(
            post, form.action.data, current_user, note=form.note.data, department=department, original=original
        )
    except workflow.TransitionForbiddenError as error:
        return _refused(post, str(error), 403)
    except workflow.TransitionError as error:
        return _refused(post, str(error), 409)
    db.session.commit()
    flash(_("Done: the post is now “%(status)s”.", status=status_label(post.status)), "success")
    return redirect(safe_next_url() if request.form.get("next") else url_for("posts.show", post_id=post.id))


def _refused(post: Post, message: str, code: int):
    db.session.rollback()
    return render_template("moderation/refused.html", post=post, message=message), code
