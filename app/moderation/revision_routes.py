"""Moderators' (and the department's) view of edited posts: the versions compared, and the "edited" tab."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.errors import DomainError
from app.core.pagination import requested_page
from app.core.permissions import require
from app.core.redirects import safe_next_url
from app.extensions import db
from app.moderation import revisions
from app.moderation.permissions import can_review_edits, can_view_versions
from app.moderation.routes import bp
from app.posts.models import Post
from app.posts.permissions import can_view_post


@bp.get("/edited")
@login_required
def edited_tab():
    require(can_review_edits(current_user))
    page = revisions.unreviewed_page(requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template("moderation/edited.html", page=page, tab="edited")


@bp.get("/posts/<int:post_id>/versions")
@login_required
def versions(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    require(can_view_versions(current_user, post))
    kept = revisions.revisions_of(post)
    return render_template(
        "moderation/versions.html",
        post=post,
        changes=revisions.changes_of(post, kept),
        unreviewed=sum(1 for revision in kept if revision.reviewed_at is None),
        may_review=can_review_edits(current_user),
    )


@bp.post("/posts/<int:post_id>/versions/reviewed")
@login_required
def review_edits(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_review_edits(current_user))
    try:
        revisions.review_edits(post, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("The edits are marked as reviewed; the versions stay on record."), "success")
    if request.form.get("next"):
        return redirect(safe_next_url())
    return redirect(url_for("moderation.versions", post_id=post.id))
