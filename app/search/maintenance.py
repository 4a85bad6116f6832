"""Rebuilding the index from the database, and comparing the two."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.db import write_intent
from app.extensions import db
from app.posts.models import Post
from app.search.documents import document_version, post_rows
from app.search.store import DAMAGED, HEALTHY, IndexDamagedError, IndexStore
from app.search.sync import drain, enqueue
from app.search.writers import write_generation

log = logging.getLogger(__name__)


def repair(store: IndexStore) -> int | None:
    """Rebuild the index if it is missing or damaged; None when it is healthy (`flask worker` asks
    every round). Processes that find it broken at once rebuild it one after the other, and every
    one after the first finds it healthy under the lock and does nothing."""
    state = store.health()
    if state == HEALTHY:
        return None
    log.warning("The search index is %s: rebuilding it from the database", state)
    count = rebuild(store, unless_healthy=True)
    if count is not None:
        log.warning("Rebuilt the search index: %d posts", count)
    return count


def rebuild(
    store: IndexStore, *, progress: Callable[[int], None] | None = None, unless_healthy: bool = False
) -> int | None:
    """Index every post into a new generation and make it live at once; returns the posts indexed.

    Holds the writer lock throughout (waiting for it first): changes committed meanwhile wait in the
    queue and are drained right after the swap. Searches use the old generation until then.
    `unless_healthy`: do nothing (None) if the index is healthy once the lock is ours.
    """
    with store.writer_lock(wait=True):
        if unless_healthy and store.health() == HEALTHY:
            return None
        name, ix = store.new_generation()
        try:
            with Session(db.engine) as session:
                count = write_generation(
                    ix,
                    session,
                    processes=rebuild_processes(),
                    progress=progress,
                    segment_posts=current_app.config["SEARCH_REBUILD_SEGMENT_POSTS"],
                )
        except BaseException:
            store.discard(name)  # `flask worker` retries every round: a failed try must leave no folder behind
            raise
        store.publish(name)
    drain(store)
    return count


def rebuild_processes() -> int:
    """Processes a rebuild writes with: SEARCH_REBUILD_PROCESSES once there are SEARCH_REBUILD_PARALLEL_FROM
    posts (starting a helper costs about a second), one otherwise or when helpers cannot open the database."""
    config = current_app.config
    wanted = config["SEARCH_REBUILD_PROCESSES"] or os.cpu_count() or 1
    url = db.engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if wanted <= 1 or in_memory or post_count() < config["SEARCH_REBUILD_PARALLEL_FROM"]:
        return 1
    return wanted


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
    """Compare every post's fingerprint with the one its document carries (raises IndexDamagedError)."""
    if store.health() == DAMAGED:
        raise IndexDamagedError(str(store.root / (store.current_name() or "")))
    with store.searcher() as searcher:
        if searcher is None:
            return CheckReport(missing=sorted(_all_post_ids()), has_index=False)
        try:
            indexed = {int(doc["id"]): doc.get("version") for doc in searcher.all_stored_fields()}
        except Exception as error:  # a segment's stored fields unreadable
            raise IndexDamagedError(repr(error)) from error
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
