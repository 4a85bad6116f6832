"""Notifications, each user's e-mail preference per kind, and the outbox of e-mails to send."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db
from app.posts.models import _enum


class NotificationKind(enum.StrEnum):
    STATUS_CHANGE = "status_change"  # a post you follow changed status
    OFFICIAL_RESPONSE = "official_response"  # a department answered a post you follow
    COMMENT_REPLY = "comment_reply"  # someone replied to your comment
    FOLLOWED_COMMENT = "followed_comment"  # a new comment on a post you follow
    MODERATION = "moderation"  # your post or comment was hidden or restored
    FOLLOWED_TOPIC = "followed_topic"  # a new post in a category, department or area you follow
    CALL_OUTCOME = "call_outcome"  # a call for ideas you took part in published its outcome
    FIX_QUESTION = "fix_question"  # "is it fixed?" asked again of a resolved problem you follow


class Delivery(enum.StrEnum):
    """How a kind of notification reaches the user by e-mail (the bell always shows it)."""

    NONE = "none"
    IMMEDIATE = "immediate"
    DAILY = "daily"


class EmailState(enum.StrEnum):
    NONE = "none"  # no e-mail for this one
    QUEUED = "queued"  # its own e-mail is in the outbox
    DIGEST = "digest"  # waits for the next daily digest
    DIGESTED = "digested"  # went out in a digest


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    status_change_id: Mapped[int | None] = mapped_column(ForeignKey("status_change.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)  # e.g. why content was hidden
    extra: Mapped[dict | None] = mapped_column(JSON)  # e.g. {"event": "hidden", "reason": "spam"}
    email_state: Mapped[EmailState] = mapped_column(_enum(EmailState), default=EmailState.NONE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    actor = relationship("User", foreign_keys=[actor_id])
    post = relationship("Post")
    comment = relationship("Comment")
    status_change = relationship("StatusChange")

    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_email_state_user", "email_state", "user_id"),
    )

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind.value} to user={self.user_id}>"


class NotificationPreference(db.Model):
    """A user's choice for one kind; without a row the kind's default applies."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(_enum(Delivery))

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id} {self.kind.value}={self.delivery.value}>"


class OutboxEmail(db.Model):
    """An e-mail written in the same transaction as its cause, sent after commit by the CLI."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # gave up after OUTBOX_MAX_ATTEMPTS

    __table_args__ = (Index("ix_outbox_email_due", "sent_at", "failed_at", "next_attempt_at"),)

    def __repr__(self) -> str:
        state = "sent" if self.sent_at else "failed" if self.failed_at else "waiting"
        return f"<OutboxEmail {self.id} to {self.to_address} {state}>"
