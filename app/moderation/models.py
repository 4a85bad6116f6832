"""Moderation records: the public status timeline, flags, title revisions, reason templates,
thresholds and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Role
from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db
from app.posts.models import PostStatus, _enum


@public_content
class StatusChange(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: done by the system
    # The actor's role when they acted: the timeline says "a moderator" even after they become admin
    # or go back to being a resident.
    actor_role: Mapped[Role | None] = mapped_column(_enum(Role))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[PostStatus] = mapped_column(_enum(PostStatus))
    to_status: Mapped[PostStatus] = mapped_column(_enum(PostStatus))
    note: Mapped[str | None] = mapped_column(Text)  # public: shown on the post's timeline
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    is_official: Mapped[bool] = mapped_column(default=False)  # a department's response
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="joined")
    department = relationship("Department", lazy="joined")

    __table_args__ = (
        Index("ix_status_change_post_created", "post_id", "created_at"),
        Index("ix_status_change_action", "action", "created_at"),  # hand-backs, statistics
    )

    def __repr__(self) -> str:
        return f"<StatusChange post={self.post_id} {self.from_status.value}->{self.to_status.value}>"


class MovedVote(db.Model):
    """A supporter of a duplicate whose vote a moderator moved to the original: what "not a duplicate"
    gives back (docs/decisions/0025-moderation-safe-to-use-fast.md)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    voted_at: Mapped[datetime]  # when the supporter voted on the duplicate: kept by the vote on the original
    # False: the voter already had a vote on the original (or wrote it), so it was only taken off the copy.
    added_to_original: Mapped[bool]
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)
    returned_at: Mapped[datetime | None]  # set by "not a duplicate"

    def __repr__(self) -> str:
        return f"<MovedVote user={self.user_id} {self.duplicate_id}->{self.original_id}>"


class FlagReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    OTHER = "other"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # a moderator hid the content
    DISMISSED = "dismissed"  # a moderator kept the content


class Flag(db.Model):
    """One resident's report that a post or a comment breaks the rules (one per user per item)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = mapped_column(_enum(FlagReason))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus), default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user = relationship("User", foreign_keys=[user_id], lazy="joined", innerjoin=True)

    __table_args__ = (
        # One flag per user per post (comment_id NULL) and per comment; NULLs never collide.
        Index(
            "uq_flag_user_post",
            "user_id",
            "post_id",
            unique=True,
            sqlite_where=text("comment_id IS NULL"),
            postgresql_where=text("comment_id IS NULL"),
        ),
        Index("uq_flag_user_comment", "user_id", "comment_id", unique=True),
        Index("ix_flag_status_created", "status", "created_at"),
    )

    def __repr__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"post {self.post_id}"
        return f"<Flag {self.id} {target} {self.reason.value} {self.status.value}>"


@public_content
class TitleRevision(db.Model):
    """A moderator's clarification of a title; the first revision keeps the author's own words."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    old_title: Mapped[str] = mapped_column(String(150))
    new_title: Mapped[str] = mapped_column(String(150))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<TitleRevision post={self.post_id}>"


@public_content  # not public, but the moderators' part of a post page shows them (cached per user)
class ReasonTemplate(db.Model):
    """A ready-made reason for rejecting a post, in both languages (editable by admins)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fa: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    body_fa: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReasonTemplate {self.id} {self.title_en!r}>"


@public_content  # thresholds change what post pages' panels show (the one-click duplicate distance)
class Setting(db.Model):
    """An admin's override of a moderation threshold from app.config (see moderation.settings)."""

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    def __repr__(self) -> str:
        return f"<Setting {self.key}={self.value}>"


class AuditEntry(db.Model):
    """Who did what to which object, when and why: every moderation, staff and admin action."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the system
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User", lazy="joined")

    __table_args__ = (
        Index("ix_audit_entry_actor_created", "actor_id", "created_at"),
        Index("ix_audit_entry_action_created", "action", "created_at"),
        Index("ix_audit_entry_subject", "subject_type", "subject_id"),
    )

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.subject_type}:{self.subject_id}>"
