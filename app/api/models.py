"""Credentials for machines: residents' API tokens, Open311 clients' keys; what Open311 clients sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db


class ApiToken(db.Model):
    """A resident's token for /api/v1/: only its SHA-256 is kept; the token is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id}>"


class ApiKey(db.Model):
    """An Open311 client's key, issued by an admin: only its SHA-256 is kept; posts it sends are
    written in the name of its owner account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    owner = relationship("User", lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.name}>"


class Open311Request(db.Model):
    """A service request received through Open311: the post it became, and the reporter's contact
    details, which are kept for the city and never published."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    device_id: Mapped[str | None] = mapped_column(String(100))
    account_id: Mapped[str | None] = mapped_column(String(100))
    media_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post = relationship("Post")

    def __repr__(self) -> str:
        return f"<Open311Request {self.token} post={self.post_id}>"
