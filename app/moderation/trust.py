"""Whose flags may hide content by themselves: a rule that makes silencing a post cost more than
three throwaway accounts (see docs/decisions/0019-abuse-limits-and-headers.md)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.db import utcnow
from app.extensions import db
from app.posts.models import PUBLIC_STATUSES, Comment, Post

_FULL_WEIGHT_ROLES = frozenset({Role.MODERATOR, Role.STAFF, Role.ADMIN})


def counts_for_auto_hide(user: User) -> bool:
    """True when the user's flag counts towards hiding an item before a moderator decides.

    Moderators, staff and admins always count. A resident counts once the address is confirmed, the
    account is old enough, and it has at least one approved contribution: a public post, or a
    visible comment on a public post.
    Every flag reaches the moderators' queue either way; this decides only the automatic hiding.
    """
    if user.role in _FULL_WEIGHT_ROLES:
        return True
    if user.is_blocked or not user.is_verified:
        return False
    min_age = timedelta(days=current_app.config["FLAG_TRUST_MIN_AGE_DAYS"])
    if utcnow() - user.created_at < min_age:
        return False
    return _has_approved_contribution(user)


def _has_approved_contribution(user: User) -> bool:
    post = select(Post.id).where(Post.author_id == user.id, Post.status.in_(PUBLIC_STATUSES), Post.is_hidden.is_(False))
    comment = (
        select(Comment.id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.author_id == user.id,
            Comment.is_hidden.is_(False),
            Post.status.in_(PUBLIC_STATUSES),
            Post.is_hidden.is_(False),
        )
    )
    return db.session.scalar(post.limit(1)) is not None or db.session.scalar(comment.limit(1)) is not None


def flags_needed_to_hide(item: Post | Comment, base: int) -> int:
    """The counted flags that hide this item: the base threshold, plus one for every
    FLAG_HIDE_SUPPORTERS_PER_FLAG supporters of the post (a comment needs the base)."""
    if isinstance(item, Comment):
        return base
    step = current_app.config["FLAG_HIDE_SUPPORTERS_PER_FLAG"]
    if step <= 0:
        return base
    return base + max(item.up_count, 0) // step
