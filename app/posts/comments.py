"""Comments: plain text, replies one level deep, editable by their author for a short while."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.permissions import can_participate
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.extensions import db
from app.posts import rules
from app.posts.models import Comment, Post
from app.posts.signals import comment_added, comment_edited


class CommentError(DomainError):
    """A commenting rule was broken; the comment form shows it under the comment's text."""

    def __init__(self, message: str, field: str | None = "body", status: int | None = None):
        super().__init__(message, field, status)


def _checked_body(body: str) -> str:
    body = clean_text(body, multiline=True)
    if not rules.COMMENT_MIN <= len(body) <= rules.COMMENT_MAX:
        raise CommentError(
            _("A comment must be %(min)d to %(max)d characters long.", min=rules.COMMENT_MIN, max=rules.COMMENT_MAX)
        )
    return body


def add_comment(post: Post, author, body: str, *, parent: Comment | None = None) -> Comment:
    """Comment on a public post, or reply to a comment (a reply to a reply joins its thread)."""
    if not can_participate(author):
        raise CommentError(_("Your account may not comment."))
    if not post.is_public:
        raise CommentError(_("This post cannot be commented on."))
    if parent is not None:
        if parent.post_id != post.id or parent.is_hidden:
            raise CommentError(_("The comment you are replying to is not on this post."))
        parent = parent.parent or parent  # one level deep
    comment = Comment(post=post, author=author, body=_checked_body(body), parent=parent)
    db.session.add(comment)
    now = utcnow()
    db.session.execute(
        update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count + 1, last_activity_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    comment_added.send(comment)
    return comment


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def is_editable(comment: Comment, now=None) -> bool:
    """True while the author may still change the comment."""
    return not comment.is_hidden and (now or utcnow()) - comment.created_at <= edit_window()


def edit_comment(comment: Comment, body: str) -> None:
    """Change a comment's text within the edit window."""
    if not is_editable(comment):
        raise CommentError(
            _(
                "Comments can only be edited in the first %(minutes)d minutes.",
                minutes=current_app.config["COMMENT_EDIT_MINUTES"],
            )
        )
    comment.body = _checked_body(body)
    comment.edited_at = utcnow()
    comment_edited.send(comment)


def thread(post: Post, *, include_hidden: bool = False) -> list[tuple[Comment, list[Comment]]]:
    """The post's comments as (comment, replies) pairs, oldest first, in one query.

    A hidden comment whose replies are visible stays in the list, so that the replies keep their
    place (and the page shows as many comments as its count says); the page shows it as hidden.
    """
    query = select(Comment).where(Comment.post_id == post.id).order_by(Comment.created_at, Comment.id)
    comments = list(db.session.scalars(query))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None and (include_hidden or not comment.is_hidden):
            replies.setdefault(comment.parent_id, []).append(comment)
    return [
        (c, replies.get(c.id, []))
        for c in comments
        if c.parent_id is None and (include_hidden or not c.is_hidden or c.id in replies)
    ]
