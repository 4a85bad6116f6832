"""An author withdrawing their own post: a confirmation page, then the workflow's "withdraw" move.

A blueprint of its own because the page belongs under the post's address (/posts/<id>/withdraw),
while the move, like every status change, is made by app.moderation.workflow.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.errors import DomainError, show_error
from app.core.permissions import require
from app.extensions import db
from app.moderation import workflow
from app.moderation.forms import WithdrawForm
from app.posts.follows import follower_ids
from app.posts.models import Post
from app.posts.permissions import can_view_post, can_withdraw_post

bp = Blueprint("withdrawal", __name__)


@bp.route("/posts/<int:post_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(post_id: int):
    post = db.get_or_404(Post, post_id)
    require(can_view_post(current_user, post), hide=True)
    require(can_withdraw_post(current_user, post))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            workflow.transition(post, "withdraw", current_user, note=form.note.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("Your post is withdrawn. It is no longer public; its history stays on record."), "success")
            return redirect(url_for("posts.show", post_id=post.id))
    db.session.rollback()
    followers = len(set(follower_ids(post)) - {post.author_id})
    return render_template(
        "moderation/withdraw.html", post=post, form=form, followers=followers
    ), 422 if form.errors else 200
