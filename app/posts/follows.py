"""Following a post: hearing about its changes."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.core.db import insert_ignoring_conflict, utcnow
from app.extensions import db
from app.posts.models import Follow, Post


def is_following(user, post: Post) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.get(Follow, (user.id, post.id)) is not None


def follow_post(user, post: Post) -> None:
    """Follow the post; following twice (even at the same moment) changes nothing."""
    db.session.execute(insert_ignoring_conflict(Follow, user_id=user.id, post_id=post.id, created_at=utcnow()))


def unfollow_post(user, post: Post) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.post_id == post.id))


def follower_ids(post: Post) -> list[int]:
    return list(db.session.scalars(select(Follow.user_id).where(Follow.post_id == post.id)))


def followed_among(user, post_ids: list[int]) -> set[int]:
    """Which of these posts the user follows (one query)."""
    if not user.is_authenticated or not post_ids:
        return set()
    return set(
        db.session.scalars(select(Follow.post_id).where(Follow.user_id == user.id, Follow.post_id.in_(post_ids)))
    )
