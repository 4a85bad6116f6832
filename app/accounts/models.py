"""The user and their role."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db


class Role(enum.StrEnum):
    """What a user may do; each role includes what a resident can do."""

    RESIDENT = "resident"
    MODERATOR = "moderator"
    STAFF = "staff"
    ADMIN = "admin"


@public_content(only=("display_name", "role", "department_id", "deleted_at"))
class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The address as the user typed it (domain IDNA-encoded), for sending; `email_key` (the local part
    # case-folded too) is what addresses are compared on: one mailbox, one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    email_verified_at: Mapped[datetime | None]
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.RESIDENT,
        index=True,
    )
    # Staff belong to exactly one department (string reference: accounts never imports departments).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_blocked: Mapped[bool] = mapped_column(default=False)
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the account is deleted: personal data erased, posts and votes kept.
    deleted_at: Mapped[datetime | None]

    department = relationship("Department", lazy="joined")

    # The sign-in (UserSession) this request runs under; set by the user loader and by sign-in.
    session_key = None  # not a column

    def get_id(self) -> str:
        # Flask-Login stores this in the session and the remember cookie: it names one sign-in,
        # which sign-out deletes, so copies of either cookie stop working.
        return f"{self.id}:{self.session_key}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def shown_name(self) -> str:
        """The name pages show: a deleted account's name is gone."""
        if self.deleted_at is not None:
            from flask_babel import gettext

            return gettext("a former resident")
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class UserSession(db.Model):
    """One sign-in of one user on one device; the session and remember cookies name its key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class LoginFailure(db.Model):
    """Failed sign-ins per e-mail address, known or not, so that both are slowed down alike."""

    email_key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.email_key} {self.failures}>"
