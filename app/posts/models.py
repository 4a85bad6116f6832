"""Posts and what residents attach to them: votes, comments, follows; and the categories they sit in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.cache import public_content
from app.core.db import utcnow
from app.extensions import db


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class PostKind(enum.StrEnum):
    PROBLEM = "problem"
    IDEA = "idea"


class PostStatus(enum.StrEnum):
    """The life of a post; app.moderation.workflow owns every change of it."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by its author; public no more, its history kept


# Statuses the public may read; of those, the ones shown in lists by default.
PUBLIC_STATUSES = frozenset(
    {
        PostStatus.PUBLISHED,
        PostStatus.DUPLICATE,
        PostStatus.FORWARDED,
        PostStatus.IN_PROGRESS,
        PostStatus.RESOLVED,
        PostStatus.DECLINED,
    }
)
LISTED_STATUSES = PUBLIC_STATUSES - {PostStatus.DUPLICATE}
OPEN_STATUSES = frozenset({PostStatus.PUBLISHED, PostStatus.FORWARDED, PostStatus.IN_PROGRESS})


@public_content
class Category(db.Model):
    """What a post is about; each category has the department that usually answers it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    accepts_problems: Mapped[bool] = mapped_column(default=True)
    accepts_ideas: Mapped[bool] = mapped_column(default=True)
    default_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    default_department = relationship("Department")

    def accepts(self, kind: PostKind) -> bool:
        return self.is_active and (self.accepts_problems if kind is PostKind.PROBLEM else self.accepts_ideas)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


# Votes and comments touch only their own post's pages (its `page_version`) and the lists.
@public_content(
    counters=("up_count", "down_count", "support", "hot_score", "comment_count", "last_activity_at"),
    version_column="page_version",
)
class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PostKind] = mapped_column(_enum(PostKind))
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus), default=PostStatus.PENDING)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    is_hidden: Mapped[bool] = mapped_column(default=False)

    # Counters kept exact by SQL increments (app.posts.votes, app.posts.comments), never in Python.
    up_count: Mapped[int] = mapped_column(default=0)
    down_count: Mapped[int] = mapped_column(default=0)
    support: Mapped[int] = mapped_column(default=0)  # up - down: the list's "most supported" order
    comment_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    hot_score: Mapped[float] = mapped_column(default=0.0)  # see app.posts.hot

    # Stored so that the default list is one index range: status in LISTED_STATUSES and not hidden.
    is_listed: Mapped[bool] = mapped_column(default=False)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # last edit of the text
    published_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped with every vote and comment on this post (app.core.cache): its cached page and parts.
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")

    # "unnested": where a post is itself joined as an outer join (a duplicate's original, a
    # notification's post) these become LEFT OUTER JOINs instead of `LEFT JOIN (post JOIN category
    # JOIN user)`, which SQLite builds whole, every post of the city, before it picks the one row.
    author = relationship("User", lazy="joined", innerjoin="unnested")
    category = relationship(Category, lazy="joined", innerjoin="unnested")
    department = relationship("Department")
    duplicate_of = relationship("Post", remote_side=[id])
    # Loaded with every batch of posts (one query per batch), so that lists never load them one by one.
    photos = relationship(
        "Photo",
        back_populates="post",
        order_by="(Photo.position, Photo.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )

    __table_args__ = (
        Index("ix_post_listed_created", "is_listed", "created_at"),
        Index("ix_post_listed_support", "is_listed", "support"),
        Index("ix_post_listed_hot", "is_listed", "hot_score"),
        Index("ix_post_status_created", "status", "created_at"),
        Index("ix_post_status_up", "status", "up_count"),  # the moderators' "promising" tab
        Index("ix_post_department_support", "department_id", "support"),  # a department's queue
        # Covers the statistics page's counts: one GROUP BY reads this index and not the posts.
        Index("ix_post_status_counts", "status", "is_hidden", "category_id", "department_id"),
        # Covers the city map's clusters of listed posts: the places in view, counted per cell.
        Index("ix_post_listed_place", "is_listed", "latitude", "longitude"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and not self.is_hidden

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.kind.value} {self.status.value}>"


@event.listens_for(Post.status, "set")
def _listed_on_status(post: Post, value, _old, _initiator):
    post.is_listed = value in LISTED_STATUSES and not post.is_hidden


@event.listens_for(Post.is_hidden, "set")
def _listed_on_hidden(post: Post, value, _old, _initiator):
    post.is_listed = post.status in LISTED_STATUSES and not value


class Vote(db.Model):
    """One resident's vote on one post: +1 support (or "me too"), -1 oppose (ideas only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "post_id"),
        CheckConstraint("value IN (-1, 1)", name="value_sign"),
    )

    def __repr__(self) -> str:
        return f"<Vote user={self.user_id} post={self.post_id} {self.value:+d}>"


@public_content(belongs_to="post_id")
class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    author = relationship("User", lazy="joined", innerjoin="unnested")  # (as Post.author: a notification's comment)
    post = relationship(Post)
    parent = relationship("Comment", remote_side=[id])

    __table_args__ = (Index("ix_comment_post_created", "post_id", "created_at"),)

    def __repr__(self) -> str:
        return f"<Comment {self.id} on post {self.post_id}>"


class Follow(db.Model):
    """A user who wants to hear about a post's changes; authors follow their own posts."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Follow user={self.user_id} post={self.post_id}>"


@public_content
class PostRevision(db.Model):
    """A version of a published post as it read before its author edited it (app.posts.services.edit_post).

    Moderators review each edit after the fact (reviewed_at); the public sees only that it was edited.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The replaced version: what the post said until created_at.
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus))  # the post's status when it was edited
    is_substantial: Mapped[bool] = mapped_column(default=False)  # rewritten rather than corrected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    editor = relationship("User", foreign_keys=[editor_id], lazy="joined")

    __table_args__ = (
        Index("ix_post_revision_post_created", "post_id", "created_at"),
        Index("ix_post_revision_reviewed_created", "reviewed_at", "created_at"),  # the moderators' "edited" tab
    )

    def __repr__(self) -> str:
        return f"<PostRevision {self.id} of post {self.post_id}>"


@public_content
class Photo(db.Model):
    """A photo of a post, cleaned and stored in UPLOAD_DIR under the hash of its content (app.posts.photos)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    file_key: Mapped[str] = mapped_column(String(80), index=True)  # "<sha256>.jpg"
    thumb_key: Mapped[str] = mapped_column(String(80), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post = relationship(Post, back_populates="photos")

    def __repr__(self) -> str:
        return f"<Photo {self.id} of post {self.post_id}>"
