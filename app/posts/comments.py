"""Comments: plain text, replies one level deep, editable by their author for a short while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update

from app.accounts.permissions import can_participate
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.pagination import MAX_PAGE
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


@dataclass
class ThreadPage:
    """One page of a post's thread: top-level comments with all their replies."""

    items: list[tuple[Comment, list[Comment]]]
    number: int
    has_next: bool
    newest_first: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def thread_page(post: Post, number: int, per_page: int, *, newest_first: bool = False) -> ThreadPage:
    """A page of the thread in one query: `per_page` top-level comments (oldest or newest first), each
    with its replies, oldest first. A hidden comment with visible replies keeps its place, as in `thread`."""
    number = min(max(1, number), MAX_PAGE)
    order = (Comment.created_at.desc(), Comment.id.desc()) if newest_first else (Comment.created_at, Comment.id)
    tops = (
        select(Comment.id)
        .where(Comment.post_id == post.id, Comment.parent_id.is_(None))
        .order_by(*order)
        .limit(per_page + 1)
        .offset((number - 1) * per_page)
    )
    query = (
        select(Comment)
        .where(Comment.post_id == post.id, or_(Comment.id.in_(tops), Comment.parent_id.in_(tops)))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = list(db.session.scalars(query))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None and not comment.is_hidden:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [c for c in comments if c.parent_id is None]
    if newest_first:
        top.reverse()
    items = [(c, replies.get(c.id, [])) for c in top[:per_page] if not c.is_hidden or c.id in replies]
    return ThreadPage(items=items, number=number, has_next=len(top) > per_page, newest_first=newest_first)


def page_of(comment: Comment, per_page: int) -> int:
    """The page (oldest first) on which a comment shows: its top-level comment's place in the thread."""
    top = comment.parent or comment
    before = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.post_id == top.post_id,
            Comment.parent_id.is_(None),
            or_(Comment.created_at < top.created_at, and_(Comment.created_at == top.created_at, Comment.id < top.id)),
        )
    )
    return min(before // per_page + 1, MAX_PAGE)


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
