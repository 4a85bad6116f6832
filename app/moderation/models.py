"""The public record of a post's life: one row per status change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db
from app.posts.models import PostStatus, _enum


@public_content
class StatusChange(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: done by the system
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[PostStatus] = mapped_column(_enum(PostStatus))
    to_status: Mapped[PostStatus] = mapped_column(_enum(PostStatus))
    note: Mapped[str | None] = mapped_column(Text)  # public: shown on the post's timeline
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    is_official: Mapped[bool] = mapped_column(default=False)  # a department's response
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="joined")
    department = relationship("Department", lazy="joined")

    __table_args__ = (Index("ix_status_change_post_created", "post_id", "created_at"),)

    def __repr__(self) -> str:
        return f"<StatusChange post={self.post_id} {self.from_status.value}->{self.to_status.value}>"
