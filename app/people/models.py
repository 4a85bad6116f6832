"""A resident's choice about their public profile (no row: the default, a public profile)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db


@public_content
class ProfileChoice(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    is_public: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ProfileChoice user={self.user_id} {'public' if self.is_public else 'private'}>"
