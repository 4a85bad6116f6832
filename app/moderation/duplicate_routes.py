"""Marking a duplicate is confirmed on a page that shows both posts side by side (on moderation's bp)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.accounts.permissions import can_moderate
from app.core.errors import DomainError, show_error
from app.core.l10n import format_number
from app.core.permissions import require
from app.core.redirects import is_safe_path
from app.extensions import db
from app.moderation import duplicates, workflow
from app.moderation.forms import DuplicateForm
from app.moderation.routes import bp
from app.posts.models import Post


@bp.route("/posts/<int:post_id>/duplicate", methods=["GET", "POST"])
@login_required
def confirm_duplicate(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_moderate(current_user))
    submitted = request.method == "POST"
    form = DuplicateForm() if submitted else DuplicateForm(formdata=request.args or None)
    pair = None
    if submitted and form.validate_on_submit():
        pair = _pair(post, form)
        if pair is not None:
            try:
                workflow.transition(
                    post,
                    "mark_duplicate",
                    current_user,
                    note=form.note.data,
                    original=pair.original,
                    move_supporters=form.move_supporters.data,
                )
            except DomainError as error:
                show_error(error, form)
            else:
                moved = duplicates.moved_supporter_count(post)
                db.session.commit()
                flash(_("Marked as a duplicate of #%(id)s.", id=pair.original.id), "success")
                if moved:
                    flash(
                        ngettext(
                            "%(num)s supporter moved to the original.",
                            "%(num)s supporters moved to the original.",
                            moved,
                            num=format_number(moved),
                        ),
                        "success",
                    )
                return redirect(_back(post, form))
    elif not submitted and "original" in request.args and form.original.validate(form):
        pair = _pair(post, form)
    db.session.rollback()
    refused = bool(form.errors or form.form_errors)
    return render_template(
        "moderation/duplicate.html", post=post, form=form, pair=pair, back=_back(post, form)
    ), 422 if refused else 200


def _pair(post: Post, form: DuplicateForm) -> duplicates.DuplicatePair | None:
    """Both posts, if the number names a possible original (else the reason goes beside the field)."""
    original = db.session.get(Post, form.original.data) if form.original.data else None
    try:
        if original is None:
            raise workflow.TransitionError(_("No post has this number."), "original")
        if post.status not in workflow.TRANSITIONS["mark_duplicate"].sources:
            raise workflow.TransitionError(_("This post can no longer be marked as a duplicate."))
        workflow.check_original(post, original)
    except DomainError as error:
        show_error(error, form)
        return None
    return duplicates.duplicate_pair(post, original)


def _back(post: Post, form: DuplicateForm) -> str:
    target = form.next.data
    return target if is_safe_path(target) else url_for("posts.show", post_id=post.id)
