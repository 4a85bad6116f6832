"""A call for ideas, the ideas posted into it, and its timeline (opened, extended, outcome)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db

# Every category a call's ideas may be filed in (the call's `category_id` is the first of them).
call_category = Table(
    "call_category",
    db.metadata,
    Column("call_id", ForeignKey("call.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
)


@public_content
class Call(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    question: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))  # the first of `categories`
    # Stored in UTC: the first moment ideas are taken, and the first moment they are not any more.
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(Text)  # the department's published answer
    outcome_published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The optional image, cleaned like a post's photos and stored under UPLOAD_DIR/calls/.
    image_key: Mapped[str | None] = mapped_column(String(80))
    image_thumb_key: Mapped[str | None] = mapped_column(String(80))
    image_content_type: Mapped[str | None] = mapped_column(String(20))
    # The optional area the call is about: a circle on the map (all three or none).
    area_latitude: Mapped[float | None]
    area_longitude: Mapped[float | None]
    area_radius_m: Mapped[int | None]

    department = relationship("Department", lazy="joined", innerjoin=True)
    category = relationship("Category", lazy="joined", innerjoin=True)
    categories = relationship("Category", secondary=call_category, order_by="Category.id")

    @property
    def has_area(self) -> bool:
        return self.area_radius_m is not None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime) -> bool:
        return now >= self.closes_at

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.opens_at:%Y-%m-%d}..{self.closes_at:%Y-%m-%d}>"


@public_content
class CallIdea(db.Model):
    """An idea posted into a call, and what the department decided about it in the outcome."""

    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    is_taken_up: Mapped[bool | None]  # None until the outcome is published
    outcome_note: Mapped[str | None] = mapped_column(Text)  # why (not)

    call = relationship(Call, lazy="joined", innerjoin=True)
    post = relationship("Post")

    def __repr__(self) -> str:
        return f"<CallIdea post={self.post_id} call={self.call_id}>"


@public_content
class CallEvent(db.Model):
    """The call's public timeline: opened, extended (old and new closing), outcome published."""

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    old_closes_at: Mapped[datetime | None]
    new_closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_call_event_call_created", "call_id", "created_at"),)

    def __repr__(self) -> str:
        return f"<CallEvent call={self.call_id} {self.action}>"
