"""Rebuilding the index from the database, and comparing the two."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.db import write_intent
from app.extensions import db
from app.posts.models import Post
from app.search.documents import document_for, document_version, post_rows
from app.search.store import IndexStore
from app.search.sync import drain, enqueue

WRITER_MEMORY_MB = 256


def rebuild(store: IndexStore, *, progress: Callable[[int], None] | None = None) -> int:
    """Index every post into a new generation and make it live at once; returns the posts indexed.

    Holds the writer lock throughout (waiting for it first): changes committed meanwhile wait in the
    queue and are drained right after the swap. Searches use the old generation until then.
    """
    with store.writer_lock(wait=True):
        name, ix = store.new_generation()
        writer = ix.writer(limitmb=WRITER_MEMORY_MB)
        count = 0
        try:
            with Session(db.engine) as session:
                for row in post_rows(session):
                    writer.add_document(**document_for(row))
                    count += 1
                    if progress is not None:
                        progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        store.publish(name)
    drain(store)
    return count


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


@dataclass
class CheckReport:
    """Posts the index lacks, holds in an old version, or holds although the database does not."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    indexed: int = 0
    has_index: bool = True

    @property
    def is_clean(self) -> bool:
        return self.has_index and not (self.missing or self.stale or self.extra)

    @property
    def to_fix(self) -> set[int]:
        return {*self.missing, *self.stale, *self.extra}


def check(store: IndexStore) -> CheckReport:
    """Compare every post's fingerprint with the one its document carries."""
    with store.searcher() as searcher:
        if searcher is None:
            return CheckReport(missing=sorted(_all_post_ids()), has_index=False)
        indexed = {int(doc["id"]): doc.get("version") for doc in searcher.all_stored_fields()}
    report = CheckReport(indexed=len(indexed))
    with Session(db.engine) as session:
        for row in post_rows(session):
            version = indexed.pop(row.id, None)
            if version is None:
                report.missing.append(row.id)
            elif version != document_version(row):
                report.stale.append(row.id)
    report.extra = sorted(indexed)
    return report


def _all_post_ids() -> list[int]:
    return list(db.session.scalars(select(Post.id)))


def fix(store: IndexStore, report: CheckReport) -> int:
    """Queue every post the check found wrong, commit, and drain: the normal path does the repair."""
    with write_intent():
        enqueue(db.session(), report.to_fix)
        db.session.commit()
    return drain(store)
