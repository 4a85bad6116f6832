"""What a resident follows beyond single posts: a category, a department, or a circle on the map."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db


class TopicFollow(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_m: Mapped[int | None]
    place_key: Mapped[str | None] = mapped_column(String(40))  # the neighbourhood the circle came from
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category = relationship("Category", lazy="joined")
    department = relationship("Department", lazy="joined")

    __table_args__ = (
        # Exactly one thing followed: a category, a department, or an area (centre and radius together).
        CheckConstraint(
            "(CASE WHEN category_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN radius_m IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        CheckConstraint(
            "(radius_m IS NULL) = (latitude IS NULL) AND (radius_m IS NULL) = (longitude IS NULL)", name="area_whole"
        ),
        Index("ix_topic_follow_area", "latitude", "longitude"),
    )

    @property
    def is_area(self) -> bool:
        return self.radius_m is not None

    def __repr__(self) -> str:
        target = f"category={self.category_id}" if self.category_id else f"department={self.department_id}"
        if self.is_area:
            target = f"area=({self.latitude},{self.longitude})r{self.radius_m}"
        return f"<TopicFollow user={self.user_id} {target}>"
