"""A post's document in the index, built from the database (the truth) and nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.posts.models import PUBLIC_STATUSES, Post
from app.search.similarity import post_document

# What the document is made of: the columns read for it, and the attributes whose change re-indexes a
# post (relationships too: setting post.category changes category_id only inside the flush).
COLUMNS = (
    Post.id,
    Post.kind,
    Post.status,
    Post.is_hidden,
    Post.title,
    Post.body,
    Post.category_id,
    Post.department_id,
    Post.author_id,
    Post.latitude,
    Post.longitude,
    Post.created_at,
    Post.support,
)
INDEXED_ATTRIBUTES = frozenset(column.key for column in COLUMNS) | {"category", "department", "author"}
# The same as table columns: a rebuild's helper processes read them without configuring every mapper.
_TABLE_COLUMNS = tuple(Post.__table__.c[column.key] for column in COLUMNS)
# Counters that an ORM UPDATE may change: support orders "most supported" results.
INDEXED_COUNTERS = frozenset({"support", "up_count", "down_count"})


def is_public(status, is_hidden: bool) -> bool:
    return status in PUBLIC_STATUSES and not is_hidden


def document_for(row: Any) -> dict:
    """The index document of one post (a Post or a row of COLUMNS), with its version fingerprint."""
    doc = post_document(
        id=str(row.id),
        title=row.title,
        body=row.body,
        kind=row.kind.value,
        status=row.status.value,
        is_public=is_public(row.status, row.is_hidden),
        category=str(row.category_id) if row.category_id is not None else None,
        department=str(row.department_id) if row.department_id is not None else None,
        author=str(row.author_id),
        lat=row.latitude,
        lon=row.longitude,
        created=row.created_at,
        support=row.support,
    )
    doc["version"] = document_version(row)
    return doc


def document_version(row: Any) -> str:
    """A short fingerprint of everything the index holds about the post: differs when the post changed."""
    parts = (
        row.id,
        row.kind.value,
        row.status.value,
        row.is_hidden,
        row.title,
        row.body,
        row.category_id,
        row.department_id,
        row.author_id,
        row.latitude,
        row.longitude,
        row.created_at.isoformat(timespec="seconds") if row.created_at else None,
        row.support,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def post_rows(
    session: Session, post_ids: Iterable[int] | None = None, *, where: tuple = (), chunk: int = 2000
) -> Iterator[Any]:
    """The indexed columns of the given posts (all posts when None, or those `where` selects), read in chunks."""
    if post_ids is None:
        query = select(*_TABLE_COLUMNS).where(*where).order_by(Post.__table__.c.id)
        yield from session.execute(query.execution_options(yield_per=chunk))
        return
    ids = sorted(set(post_ids))
    for start in range(0, len(ids), chunk):
        yield from session.execute(select(*COLUMNS).where(Post.id.in_(ids[start : start + chunk])))
