"""One question per resident per resolution: "is it fixed?", and the answer they gave."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db
from app.posts.models import _enum


class FixAnswer(enum.StrEnum):
    CONFIRMED = "confirmed"  # "yes, it is fixed"
    DISPUTED = "disputed"  # "no, it is not fixed": asks the moderators to reopen


@public_content
class FixQuestion(db.Model):
    """Asked of a post's author and followers when a department resolves it (and once more later)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The "resolve" move this question is about: a post resolved twice is asked about twice.
    resolution_id: Mapped[int] = mapped_column(ForeignKey("status_change.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    answer: Mapped[FixAnswer | None] = mapped_column(_enum(FixAnswer))
    answered_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # why it is not fixed (public, on the timeline)
    # A photo sent with "not fixed": one of the post's photos, credited to this resident.
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id", ondelete="SET NULL"))

    resolution = relationship("StatusChange")
    photo = relationship("Photo")

    __table_args__ = (
        UniqueConstraint("resolution_id", "user_id"),
        Index("ix_fix_question_unanswered", "answered_at", "reminded_at", "asked_at"),  # the reminder run
    )

    def __repr__(self) -> str:
        answer = self.answer.value if self.answer else "unanswered"
        return f"<FixQuestion post={self.post_id} user={self.user_id} {answer}>"
