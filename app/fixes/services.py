"""Asking "is it fixed?" after a resolution, recording the answers, reminding once, counting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.core.db import insert_ignoring_conflict, utcnow
from app.core.errors import DomainConflictError, DomainError
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.posts.follows import follower_ids
from app.posts.models import Photo, Post, PostKind, PostStatus
from app.posts.photos import StagedPhoto, attach_photos


class FixAnswerError(DomainError):
    """The answer cannot be taken (422, or 409 when it repeats the resident's earlier answer)."""


@dataclass(frozen=True)
class FixCounts:
    confirmed: int = 0
    disputed: int = 0


def latest_resolution(post: Post) -> StatusChange | None:
    """The post's last "resolve" move: the one residents are asked about now."""
    return db.session.scalar(
        select(StatusChange)
        .where(StatusChange.post_id == post.id, StatusChange.action == "resolve")
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        .limit(1)
    )


def ask_after_resolution(post: Post, resolution: StatusChange) -> int:
    """Ask the author and the followers of a resolved problem; returns how many were asked."""
    if post.kind is not PostKind.PROBLEM:
        return 0
    user_ids = {post.author_id, *follower_ids(post)}
    now = utcnow()
    for user_id in user_ids:
        db.session.execute(
            insert_ignoring_conflict(
                FixQuestion, post_id=post.id, user_id=user_id, resolution_id=resolution.id, asked_at=now
            )
        )
    return len(user_ids)


def question_for(user, post: Post) -> FixQuestion | None:
    """This resident's question about the post's current resolution, if they were asked (or answered)."""
    resolution = latest_resolution(post)
    if resolution is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(FixQuestion).where(FixQuestion.resolution_id == resolution.id, FixQuestion.user_id == user.id)
    )


def answers_of(user, resolution_ids: list[int]) -> dict[int, FixAnswer | None]:
    """The user's answer about each of these resolutions they were asked about (one query)."""
    if not user.is_authenticated or not resolution_ids:
        return {}
    rows = db.session.execute(_ANSWERS, {"ids": resolution_ids, "user": user.id})
    return dict(rows.all())


# Asked by every shared page that shows "is it fixed?" (a hole): built once.
_ANSWERS = select(FixQuestion.resolution_id, FixQuestion.answer).where(
    FixQuestion.resolution_id.in_(bindparam("ids", expanding=True)), FixQuestion.user_id == bindparam("user")
)


def _question(user, post: Post) -> FixQuestion:
    question = question_for(user, post)
    if question is not None:
        return question
    resolution = latest_resolution(post)
    if post.status is not PostStatus.RESOLVED or resolution is None:
        raise DomainConflictError(_("This post is not resolved, so there is nothing to confirm."))
    # A resident who started following after the resolution answers without having been asked.
    question = FixQuestion(post_id=post.id, user_id=user.id, resolution_id=resolution.id, asked_at=utcnow())
    db.session.add(question)
    return question


def confirm_fix(post: Post, user) -> FixQuestion:
    """The resident says the problem is fixed (answering again changes nothing)."""
    question = _question(user, post)
    if question.answer is not FixAnswer.CONFIRMED:
        question.answer = FixAnswer.CONFIRMED
        question.answered_at = utcnow()
        question.note = None
    db.session.flush()
    return question


def dispute_fix(post: Post, user, note: str | None, photo: StagedPhoto | None = None) -> StatusChange:
    """The resident says it is not fixed: a "dispute" move on the timeline, for moderators to reopen.

    A photo of how it is now joins the post's photos, credited to the resident (one per answer, so
    it does not count against the author's limit), and is kept with the answer.
    """
    question = _question(user, post)
    if question.answer is FixAnswer.DISPUTED:
        raise FixAnswerError(_("You have already said it is not fixed; the moderators will look at it."), status=409)
    change = workflow.transition(post, "dispute", user, note=note)
    if photo is not None:
        (question.photo,) = attach_photos(post, [photo], user)
    return change


def record_dispute(post: Post, change: StatusChange) -> None:
    """Store a "dispute" move as the actor's answer, however it was made."""
    if change.actor is None:
        return
    question = _question(change.actor, post)
    question.answer = FixAnswer.DISPUTED
    question.answered_at = change.created_at or utcnow()
    question.note = change.note


def fix_counts(post: Post) -> FixCounts:
    """How many residents confirmed and disputed the post's current resolution."""
    resolution = latest_resolution(post)
    if resolution is None:
        return FixCounts()
    rows = dict(
        db.session.execute(
            select(FixQuestion.answer, func.count())
            .where(FixQuestion.resolution_id == resolution.id, FixQuestion.answer.is_not(None))
            .group_by(FixQuestion.answer)
        ).all()
    )
    return FixCounts(rows.get(FixAnswer.CONFIRMED, 0), rows.get(FixAnswer.DISPUTED, 0))


def _current_resolution_id():
    return (
        select(func.max(StatusChange.id))
        .where(StatusChange.post_id == FixQuestion.post_id, StatusChange.action == "resolve")
        .correlate(FixQuestion)
        .scalar_subquery()
    )


def remind_unanswered(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Ask once more those who have not answered FIX_REMINDER_DAYS after being asked, while the post
    is still resolved; returns how many were reminded."""
    now = now or utcnow()
    due_before = now - timedelta(days=current_app.config["FIX_REMINDER_DAYS"])
    due = db.session.execute(
        select(FixQuestion, Post)
        .join(Post, Post.id == FixQuestion.post_id)
        .where(
            FixQuestion.answered_at.is_(None),
            FixQuestion.reminded_at.is_(None),
            FixQuestion.asked_at <= due_before,
            Post.status == PostStatus.RESOLVED,
            Post.is_hidden.is_(False),
            FixQuestion.resolution_id == _current_resolution_id(),
        )
        .order_by(FixQuestion.asked_at, FixQuestion.id)
        .limit(limit)
    ).all()
    for question, post in due:
        notify([question.user_id], NotificationKind.FIX_QUESTION, post=post, status_change=question.resolution)
        question.reminded_at = now
    return len(due)


def dispute_photos(post: Post) -> list:
    """The photos residents sent with "not fixed" about the post's current resolution, oldest first."""
    resolution = latest_resolution(post)
    if resolution is None:
        return []
    return list(
        db.session.scalars(
            select(Photo)
            .join(FixQuestion, FixQuestion.photo_id == Photo.id)
            .where(FixQuestion.resolution_id == resolution.id, FixQuestion.answer == FixAnswer.DISPUTED)
            .order_by(FixQuestion.answered_at, Photo.id)
        )
    )


def disputed_posts(limit: int = 100) -> list[tuple[Post, int]]:
    """Resolved posts whose current resolution residents dispute, with how many, most disputed first."""
    disputes = func.count(FixQuestion.id)
    rows = db.session.execute(
        select(Post, disputes)
        .join(FixQuestion, FixQuestion.post_id == Post.id)
        .where(
            Post.status == PostStatus.RESOLVED,
            FixQuestion.answer == FixAnswer.DISPUTED,
            FixQuestion.resolution_id == _current_resolution_id(),
        )
        .group_by(Post.id)
        .order_by(disputes.desc(), func.max(FixQuestion.answered_at).desc())
        .limit(limit)
    ).all()
    return [(post, count) for post, count in rows]
