"""Flagging posts and comments, and the moderators' flags tab with its decisions."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.errors import DomainError, form_error_text, show_error
from app.core.pagination import Page, requested_page
from app.core.permissions import require
from app.core.rate_limits import setting, user_or_address
from app.core.redirects import safe_next_url
from app.extensions import db, limiter
from app.moderation import flags
from app.moderation.forms import DecideFlagsForm, FlagForm
from app.moderation.models import FlagReason
from app.moderation.permissions import can_decide_flags, can_flag
from app.moderation.routes import bp
from app.posts.models import Comment, Post
from app.posts.permissions import can_view_post


def _back(item: Post | Comment) -> str:
    post_id = item.post_id if isinstance(item, Comment) else item.id
    anchor = f"comment-{item.id}" if isinstance(item, Comment) else None
    return url_for("posts.show", post_id=post_id, _anchor=anchor)


def _flag(item: Post | Comment, post: Post):
    require(can_view_post(current_user, post), hide=True)
    require(can_flag(current_user, item) or flags.has_flagged(current_user, item))
    form = FlagForm()
    if form.validate_on_submit():
        try:
            flags.flag(current_user, item, FlagReason(form.reason.data), form.note.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("Thank you. Moderators will review it."), "success")
            return redirect(_back(item))
    db.session.rollback()
    code = 409 if flags.has_flagged(current_user, item) else 422 if form.errors else 200
    return render_template("moderation/flag.html", item=item, post=post, form=form), code


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@limiter.limit(setting("FLAG_RATE_LIMIT"), key_func=user_or_address, methods=["POST"])
@login_required
def flag_post(post_id: int):
    post = db.get_or_404(Post, post_id)
    return _flag(post, post)


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
@limiter.limit(setting("FLAG_RATE_LIMIT"), key_func=user_or_address, methods=["POST"])
@login_required
def flag_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    require(not comment.is_hidden, hide=True)
    return _flag(comment, comment.post)


@bp.get("/flags")
@login_required
def flags_tab():
    require(can_decide_flags(current_user))
    number, per_page = requested_page(), current_app.config["POSTS_PER_PAGE"]
    groups, has_next = flags.open_flag_groups(number, per_page)
    return render_template(
        "moderation/flags.html",
        page=Page(items=groups, number=number, per_page=per_page, has_next=has_next),
        hide_forms=[_hide_form(group) for group in groups],
        tab="flags",
    )


def _hide_form(group: flags.FlagGroup) -> DecideFlagsForm:
    """ "Hide it…" under a flagged item: the reason flagged most often chosen."""
    most_flagged = sorted(group.reasons.items(), key=lambda entry: entry[1])[-1][0] if group.reasons else None
    return DecideFlagsForm(formdata=None, decision="uphold", reason=most_flagged.value if most_flagged else None)


def _decide(item: Post | Comment):
    require(can_decide_flags(current_user))
    form = DecideFlagsForm()
    try:
        if not form.validate_on_submit() or form.decision.data not in ("uphold", "dismiss"):
            raise flags.FlagError(form_error_text(form) or _("Choose to hide or to keep it."))
        if form.decision.data == "uphold":
            flags.uphold(current_user, item, FlagReason(form.reason.data or FlagReason.OTHER), form.note.data)
        else:
            flags.dismiss(current_user, item)
    except DomainError as error:
        db.session.rollback()
        post = item.post if isinstance(item, Comment) else item
        return render_template("moderation/refused.html", post=post, message=error.message, form=form), 422
    db.session.commit()
    flash(
        _("Hidden; its author was told why.") if form.decision.data == "uphold" else _("Kept; the flags are closed."),
        "success",
    )
    return redirect(
        safe_next_url("moderation.flags_tab") if request.form.get("next") else url_for("moderation.flags_tab")
    )


@bp.post("/posts/<int:post_id>/flags/decide")
@login_required
def decide_post(post_id: int):
    return _decide(db.get_or_404(Post, post_id))


@bp.post("/comments/<int:comment_id>/flags/decide")
@login_required
def decide_comment(comment_id: int):
    return _decide(db.get_or_404(Comment, comment_id))
