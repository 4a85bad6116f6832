"""The demo city's moderation life: reasons, response templates, flags, notes, assignments,
a hand-back, promising posts and read notifications, all dated like the posts around them."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, select, update

from app.core.db import utcnow
from app.demo import moderation_data as data
from app.departments import services as triage
from app.departments.models import Department, ResponseTemplate
from app.extensions import db
from app.moderation import flags, workflow
from app.moderation.models import AuditEntry, FlagReason, ReasonTemplate, StatusChange
from app.notifications.models import Notification, OutboxEmail
from app.posts.models import Comment, Post, PostKind, PostStatus


def seed_moderation(users: dict, rng: random.Random) -> dict[str, int]:
    """Run after posts, votes and comments exist; returns what it added."""
    _reason_templates()
    _response_templates()
    flagged = _flags(users["residents"], users["moderators"][0], rng)
    handled = _triage(users["staff"], users["moderators"][0], rng)
    _backdate_records()
    _read_older_notifications(rng)
    # Demo addresses cannot receive mail: start with an empty outbox.
    db.session.execute(delete(OutboxEmail))
    return {"flags": flagged, "triaged": handled}


def _reason_templates() -> None:
    if db.session.scalar(select(ReasonTemplate.id).limit(1)) is not None:
        return  # the migration already added them
    for position, (title_fa, title_en, body_fa, body_en) in enumerate(data.REASONS):
        db.session.add(
            ReasonTemplate(title_fa=title_fa, title_en=title_en, body_fa=body_fa, body_en=body_en, position=position)
        )


def _response_templates() -> None:
    for department in db.session.scalars(select(Department)):
        for position, (action, title, body) in enumerate(data.RESPONSES):
            db.session.add(
                ResponseTemplate(department_id=department.id, action=action, title=title, body=body, position=position)
            )


def _flags(residents, moderator, rng: random.Random) -> int:
    """A few flagged posts and comments: one hidden by flags, one upheld, one dismissed, some open."""
    public = list(
        db.session.scalars(
            select(Post).where(Post.status == PostStatus.PUBLISHED, Post.is_hidden.is_(False)).order_by(Post.id)
        )
    )
    comments = list(db.session.scalars(select(Comment).where(Comment.is_hidden.is_(False)).order_by(Comment.id)))
    count = 0
    targets = rng.sample(public, k=min(6, len(public))) + rng.sample(comments, k=min(4, len(comments)))
    for index, item in enumerate(targets):
        flaggers = [r for r in rng.sample(residents, k=4) if r.id != item.author_id]
        how_many = 3 if index in (0, 6) else rng.randint(1, 2)  # the first post and comment reach the threshold
        for flagger in flaggers[:how_many]:
            reason = rng.choice([FlagReason.SPAM, FlagReason.OFFENSIVE, FlagReason.OFF_TOPIC])
            note = rng.choice(data.FLAG_NOTES) if rng.random() < 0.5 else None
            try:
                flags.flag(flagger, item, reason, note)
            except flags.FlagError:
                continue
            count += 1
    if len(targets) > 2:
        flags.uphold(moderator, targets[1], FlagReason.OFFENSIVE, "لطفاً نقد را بدون توهین بنویسید.")
        flags.dismiss(moderator, targets[2])
    db.session.flush()
    return count


def _triage(staff, moderator, rng: random.Random) -> int:
    """Internal notes and assignments on forwarded posts, and one post handed back for a moderator."""
    staff_by_department = {member.department_id: member for member in staff}
    forwarded = list(
        db.session.scalars(
            select(Post).where(Post.status.in_((PostStatus.FORWARDED, PostStatus.IN_PROGRESS))).order_by(Post.id)
        )
    )
    handled = 0
    for post in forwarded:
        member = staff_by_department.get(post.department_id)
        if member is None or rng.random() > 0.4:
            continue
        triage.assign_post(post, member, member)
        if rng.random() < 0.5:
            triage.add_internal_note(post, member, rng.choice(data.INTERNAL_NOTES))
        handled += 1
    waiting = [p for p in forwarded if p.status is PostStatus.FORWARDED and p.kind is PostKind.PROBLEM]
    if waiting:
        post = waiting[-1]
        workflow.transition(
            post, "hand_back", staff_by_department.get(post.department_id) or moderator, note=data.HAND_BACK_NOTE
        )
    return handled


def _backdate_records() -> None:
    """Give notifications and audit entries the time of what caused them."""
    change_time = select(StatusChange.created_at).where(StatusChange.id == Notification.status_change_id)
    db.session.execute(
        update(Notification)
        .where(Notification.status_change_id.is_not(None))
        .values(created_at=change_time.scalar_subquery()),
        execution_options={"synchronize_session": False},
    )
    comment_time = select(Comment.created_at).where(Comment.id == Notification.comment_id)
    db.session.execute(
        update(Notification)
        .where(Notification.status_change_id.is_(None), Notification.comment_id.is_not(None))
        .values(created_at=comment_time.scalar_subquery()),
        execution_options={"synchronize_session": False},
    )
    audit_time = (
        select(StatusChange.created_at)
        .where(StatusChange.post_id == AuditEntry.post_id, StatusChange.action == AuditEntry.action)
        .order_by(StatusChange.id.desc())
        .limit(1)
    )
    transitions = ("approve", "reject", "forward", "acknowledge", "start", "resolve", "decline")
    db.session.execute(
        update(AuditEntry).where(AuditEntry.action.in_(transitions)).values(created_at=audit_time.scalar_subquery()),
        execution_options={"synchronize_session": False},
    )


def _read_older_notifications(rng: random.Random) -> None:
    """People read most of what is more than a few days old."""
    cutoff = utcnow() - timedelta(days=3)
    ids = list(db.session.scalars(select(Notification.id).where(Notification.created_at < cutoff)))
    read = [i for i in ids if rng.random() < 0.85]
    if read:
        db.session.execute(
            update(Notification).where(Notification.id.in_(read)).values(read_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
