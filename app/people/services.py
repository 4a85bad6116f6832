"""Reading a resident's public profile, and their choice to show it or not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.calls.models import CallIdea
from app.core.db import utcnow
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation.models import StatusChange
from app.people.models import ProfileChoice
from app.posts.models import Post, PostKind, PostStatus

LIST_MAX = 50


def is_profile_public(user) -> bool:
    choice = db.session.get(ProfileChoice, user.id)
    return True if choice is None else choice.is_public


def set_profile_public(user, is_public: bool) -> None:
    """The resident shows their profile to everyone, or to nobody but themselves."""
    choice = db.session.get(ProfileChoice, user.id) or ProfileChoice(user_id=user.id)
    choice.is_public, choice.updated_at = is_public, utcnow()
    db.session.add(choice)


@dataclass
class Profile:
    user: object
    posts: list[Post]  # published problems and ideas, newest first
    resolved: list[tuple[Post, bool]]  # problems they reported that were resolved, and whether residents confirmed it
    taken_up: list[Post]  # their ideas a call's outcome took up


def profile_of(user) -> Profile:
    """What the public page shows; never the votes, never anything not public."""
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.author_id == user.id, Post.is_listed.is_(True))
            .order_by(Post.created_at.desc())
            .limit(LIST_MAX)
        )
    )
    resolved = [p for p in posts if p.kind is PostKind.PROBLEM and p.status is PostStatus.RESOLVED]
    return Profile(user, posts, [(p, p.id in _confirmed([p.id for p in resolved])) for p in resolved], _taken_up(user))


def _confirmed(post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    latest = (
        select(StatusChange.post_id, db.func.max(StatusChange.id).label("resolution_id"))
        .where(StatusChange.action == "resolve", StatusChange.post_id.in_(post_ids))
        .group_by(StatusChange.post_id)
        .subquery()
    )
    return set(
        db.session.scalars(
            select(latest.c.post_id)
            .join(FixQuestion, FixQuestion.resolution_id == latest.c.resolution_id)
            .where(FixQuestion.answer == FixAnswer.CONFIRMED)
        )
    )


def _taken_up(user) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .join(CallIdea, CallIdea.post_id == Post.id)
            .where(Post.author_id == user.id, Post.is_listed.is_(True), CallIdea.is_taken_up.is_(True))
            .order_by(Post.created_at.desc())
        )
    )
