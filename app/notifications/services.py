"""Creating notifications, reading them, and each user's choice of e-mail per kind."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.db import utcnow
from app.core.pagination import Page, paginate
from app.extensions import db
from app.notifications import mail
from app.notifications.models import Delivery, EmailState, Notification, NotificationKind, NotificationPreference

# Without a choice of their own, people get e-mail at once about answers to what they care about,
# and a daily digest of the chatter (new comments), the most frequent kind.
DEFAULT_DELIVERY: dict[NotificationKind, Delivery] = {
    NotificationKind.STATUS_CHANGE: Delivery.IMMEDIATE,
    NotificationKind.OFFICIAL_RESPONSE: Delivery.IMMEDIATE,
    NotificationKind.COMMENT_REPLY: Delivery.IMMEDIATE,
    NotificationKind.FOLLOWED_COMMENT: Delivery.DAILY,
    NotificationKind.MODERATION: Delivery.IMMEDIATE,
    NotificationKind.FIX_QUESTION: Delivery.IMMEDIATE,
    NotificationKind.CALL_OUTCOME: Delivery.IMMEDIATE,
    NotificationKind.FOLLOWED_TOPIC: Delivery.DAILY,  # may be many: the digest by default
}
_EMAIL_STATE = {
    Delivery.NONE: EmailState.NONE,
    Delivery.IMMEDIATE: EmailState.QUEUED,
    Delivery.DAILY: EmailState.DIGEST,
}


def preferences(user) -> dict[NotificationKind, Delivery]:
    """The user's delivery for every kind (defaults filled in)."""
    stored = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: stored.get(kind, default) for kind, default in DEFAULT_DELIVERY.items()}


def set_preferences(user, choices: dict[NotificationKind, Delivery]) -> None:
    """Store the user's choices (one row per kind)."""
    for kind, delivery in choices.items():
        row = db.session.get(NotificationPreference, (user.id, kind)) or NotificationPreference(
            user_id=user.id, kind=kind
        )
        row.delivery = delivery
        db.session.add(row)


def stop_all_email(user) -> None:
    """No e-mail of any kind any more (the bell keeps every notification); waiting digests are dropped."""
    set_preferences(user, dict.fromkeys(NotificationKind, Delivery.NONE))
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.email_state == EmailState.DIGEST)
        .values(email_state=EmailState.NONE)
    )


def _deliveries(user_ids: list[int], kind: NotificationKind) -> dict[int, Delivery]:
    stored = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.delivery).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        ).all()
    )
    return {user_id: stored.get(user_id, DEFAULT_DELIVERY[kind]) for user_id in user_ids}


def notify(
    user_ids,
    kind: NotificationKind,
    *,
    post=None,
    comment=None,
    status_change=None,
    actor=None,
    note: str | None = None,
    extra: dict | None = None,
) -> list[Notification]:
    """Notify these users (never the actor) and queue the e-mails their preferences ask for."""
    actor_id = actor.id if actor is not None else None
    user_ids = sorted({uid for uid in user_ids if uid is not None and uid != actor_id})
    if not user_ids:
        return []
    deliveries = _deliveries(user_ids, kind)
    notifications = [
        Notification(
            user_id=uid,
            kind=kind,
            post_id=post.id if post is not None else None,
            comment_id=comment.id if comment is not None else None,
            status_change_id=status_change.id if status_change is not None else None,
            actor_id=actor_id,
            note=note,
            extra=extra,
            email_state=_EMAIL_STATE[deliveries[uid]],
        )
        for uid in user_ids
    ]
    db.session.add_all(notifications)
    db.session.flush()
    immediate = [n for n in notifications if n.email_state is EmailState.QUEUED]
    if immediate:
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([n.user_id for n in immediate])))}
        for notification in immediate:
            mail.queue_notification_email(users[notification.user_id], notification)
    return notifications


# Every signed-in page asks it (the bell): built once.
_UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user"), Notification.read_at.is_(None))
)


def unread_count(user) -> int:
    return db.session.scalar(_UNREAD, {"user": user.id})


def list_notifications(user, page: int, per_page: int, *, unread_only: bool = False) -> Page:
    """The user's notifications, newest first, with everything a row shows loaded up front."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(
            joinedload(Notification.post),
            joinedload(Notification.actor),
            joinedload(Notification.comment),
            joinedload(Notification.status_change),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return paginate(query, page, per_page)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount
