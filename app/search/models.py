"""The index queue: one row per change to a post, written in the same transaction as the change.

Rows are read after the commit by whoever holds the index lock (the web process that wrote them, or
`flask worker`), which rebuilds each named post's document from the database and deletes the rows
only once the index has committed. A rollback takes its rows with it; a crash leaves them for later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class SearchQueue(db.Model):
    """A post whose document in the search index must be rebuilt (or removed, if the post is gone)."""

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    post_id: Mapped[int]  # no foreign key: a deleted post's row must outlive it, to remove its document
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_search_queue_post_id", "post_id"), {"sqlite_autoincrement": True})

    def __repr__(self) -> str:
        return f"<SearchQueue {self.id} post={self.post_id}>"


class PostEmbedding(db.Model):
    """A post's sentence embedding (float16 bytes) and what it was computed from (app.search.embeddings).

    `model` names the model and its pinned version: a row of another model is stale and re-embedded.
    `text_hash` is of the text embedded, so an unchanged post is never embedded twice. No foreign key,
    as for the queue: the row of a deleted post is removed when the worker meets its id.
    """

    __tablename__ = "post_embedding"

    post_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    model: Mapped[str] = mapped_column(String(80))
    text_hash: Mapped[str] = mapped_column(String(32))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    embedded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<PostEmbedding post={self.post_id} {self.model}>"


class EmbeddingQueue(db.Model):
    """A post indexed since its embedding was last looked at: `flask worker` embeds it (if its text changed)."""

    __tablename__ = "embedding_queue"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    post_id: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = ({"sqlite_autoincrement": True},)

    def __repr__(self) -> str:
        return f"<EmbeddingQueue {self.id} post={self.post_id}>"
