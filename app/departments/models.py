"""A city department, and what its staff keep about the posts forwarded to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db

# The official responses a department gives (workflow actions with is_official), in order.
RESPONSE_ACTIONS = ("acknowledge", "start", "resolve", "decline")


@public_content
class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Department {self.slug}>"


# Not public, but shown in the staff's part of a post page (app.posts.post_page caches it per user):
# a template changes every page, a note or an assignment its post's pages.
@public_content
class ResponseTemplate(db.Model):
    """Ready-made text for one department's public response to one kind of move (FixMyStreet-style)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))  # one of RESPONSE_ACTIONS
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    department = relationship(Department)

    __table_args__ = (Index("ix_response_template_department_action", "department_id", "action"),)

    def __repr__(self) -> str:
        return f"<ResponseTemplate {self.id} {self.action} {self.title!r}>"


@public_content(belongs_to="post_id")
class InternalNote(db.Model):
    """A note about a post for the department's staff and the moderators only, never public."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # where it was written
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined", innerjoin=True)
    department = relationship(Department, lazy="joined")

    __table_args__ = (Index("ix_internal_note_post_created", "post_id", "created_at"),)

    def __repr__(self) -> str:
        return f"<InternalNote {self.id} on post {self.post_id}>"


@public_content(belongs_to="post_id")
class Assignment(db.Model):
    """The staff member of the post's department who handles it (at most one per post)."""

    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Assignment post={self.post_id} to user={self.assignee_id}>"
