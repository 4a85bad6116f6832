"""Keeping the index in step with the database, through the queue table (app.search.models).

1. In the transaction: every flush that adds, deletes or changes an indexed attribute of a post, and
   every ORM UPDATE/DELETE statement on posts that touches indexed columns (vote counters, status),
   inserts one queue row per post, on the same connection. A rollback takes the rows with it.
2. After the commit, the process tries to take the index writer lock without waiting and drains a
   small fixed budget of the queue (SEARCH_SYNC_ON_COMMIT_ROWS rows, a few tens of milliseconds at
   most), so no request pays for everyone else's writes; `flask worker` drains the rest, and rebuilds
   the index by itself when it is missing or damaged (app.search.maintenance.repair).
3. Draining reads a batch of rows, rebuilds each named post's document from the database (deleting
   the document of a post that no longer exists), keeps one operation per post, commits the index,
   and only then deletes exactly the rows it read. A crash at any point leaves rows to be drained
   again; draining twice is harmless. See docs/decisions/0014-search-index.md for measurements.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from blinker import signal
from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.operators import eq, in_op

from app.core.db import utcnow, write_intent
from app.extensions import db
from app.posts.models import Post
from app.search.documents import INDEXED_ATTRIBUTES, INDEXED_COUNTERS, document_for, post_rows
from app.search.models import SearchQueue
from app.search.store import IndexBusyError, IndexDamagedError, IndexStore, index_store

log = logging.getLogger(__name__)
QUEUED = "search_queued"  # session.info key: this transaction queued posts
TERMS_PENDING = "search_terms_pending"  # session.info key: posts whose terms the commit writes (PostgreSQL)
TERMS_WRITTEN = "search_terms_written"  # session.info key: posts whose terms this transaction wrote
BATCH = 500  # queue rows per index commit
AFTER_COMMIT_SECONDS = 0.05  # a request starts no further index commit once this much time went by
# Sent with `post_ids` after each index commit of a drain (app.search.embeddings queues them to embed).
# Receivers must not raise: the index has committed and the queue rows are still to be deleted.
posts_indexed = signal("search-posts-indexed")

_QUEUE = insert(SearchQueue)  # built once: every vote runs it

# --------------------------------------------------------------------------- 1. in the transaction


def enqueue(session: Session, post_ids: set[int], *, counters_only: bool = False) -> None:
    """Queue posts for re-indexing inside the session's open transaction. Rows queued for vote
    counters alone (`counters_only`: they only order "most supported" results) are left to the
    worker unless SEARCH_SYNC_COUNTERS_ON_COMMIT: a vote does not wait for an index commit.

    On the PostgreSQL backend nothing is queued: the posts are noted, and their terms written just
    before the commit (_write_terms_before_commit), in the same transaction.
    """
    if not post_ids:
        return
    if _terms_in_transaction():
        session.info.setdefault(TERMS_PENDING, set()).update(post_ids)
        return
    now = utcnow()
    session.connection().execute(_QUEUE, [{"post_id": i, "queued_at": now} for i in sorted(post_ids)])
    if not counters_only or (has_app_context() and current_app.config.get("SEARCH_SYNC_COUNTERS_ON_COMMIT")):
        session.info[QUEUED] = True


def _changed(post: Post) -> bool:
    state = inspect(post)
    return any(state.attrs[name].history.has_changes() for name in INDEXED_ATTRIBUTES)


@event.listens_for(Session, "after_flush")
def _queue_flushed_posts(session: Session, _context) -> None:
    ids = {obj.id for obj in (*session.new, *session.deleted) if isinstance(obj, Post)}
    ids |= {obj.id for obj in session.dirty if isinstance(obj, Post) and _changed(obj)}
    enqueue(session, ids)


@event.listens_for(Session, "do_orm_execute")
def _queue_statement_targets(state) -> None:
    if not (state.is_update or state.is_delete):
        return  # (ORM INSERT statements are never used for posts: submit_post adds objects)
    table = getattr(state.statement, "table", None)
    if table is None or table.name != Post.__tablename__:
        return
    names = _set_names(state.statement) if state.is_update else None
    if names is not None and not names & (INDEXED_ATTRIBUTES | INDEXED_COUNTERS):
        return
    counters_only = names is not None and not names & (INDEXED_ATTRIBUTES - INDEXED_COUNTERS)
    enqueue(state.session, _target_ids(state), counters_only=counters_only)


def _set_names(statement) -> set[str] | None:
    """The columns an UPDATE sets, or None when they are given as execute() parameters (cannot tell)."""
    values = getattr(statement, "_values", None)
    if not values:
        return None
    return {getattr(column, "key", column) for column in values}


def _target_ids(state) -> set[int]:
    """The posts a statement is about to change: read from `WHERE post.id = …`/`IN (…)`, else selected."""
    if isinstance(state.parameters, list):  # bulk UPDATE by primary key: one dict per row
        return {row["id"] for row in state.parameters if "id" in row}
    where = state.statement.whereclause
    if isinstance(where, BinaryExpression) and getattr(where.left, "key", None) == "id":
        right = where.right
        if isinstance(right, BindParameter):
            # A statement built once takes its ids as execute() parameters (app.posts.votes).
            given = state.parameters.get(right.key) if isinstance(state.parameters, dict) else None
            value = right.value if right.value is not None else given
            if value is not None and where.operator is eq:
                return {int(value)}
            if value is not None and where.operator is in_op:
                return {int(one) for one in value}
    query = select(Post.id) if where is None else select(Post.id).where(where)
    return set(state.session.execute(query.execution_options(autoflush=False)).scalars())


# ------------------------------------------------------------------------------ 2. after the commit


def _terms_in_transaction() -> bool:
    backend = current_app.extensions.get("search_backend") if has_app_context() else None
    return bool(getattr(backend, "writes_in_transaction", False))


@event.listens_for(Session, "before_commit")
def _write_terms_before_commit(session: Session) -> None:
    """PostgreSQL backend: the changed posts' terms, written as the last step of their transaction."""
    if not (
        session.info.get(TERMS_PENDING)
        or (_terms_in_transaction() and (session.new or session.dirty or session.deleted))
    ):
        return
    from app.search.pg.terms import write_posts

    session.flush()  # the commit's own flush comes after this event: its posts join TERMS_PENDING here
    post_ids = session.info.pop(TERMS_PENDING, set())
    if not post_ids:
        return
    written = write_posts(session.connection(), post_ids)
    session.info.setdefault(TERMS_WRITTEN, set()).update(written)


@event.listens_for(Session, "after_commit")
def _drain_after_commit(session: Session) -> None:
    written = session.info.pop(TERMS_WRITTEN, None)
    if written and has_app_context():  # PostgreSQL: the posts are searchable; embed them (app.search.embeddings)
        posts_indexed.send(current_app.extensions["search_backend"], post_ids=sorted(written))
    if session.info.pop(QUEUED, False) and has_app_context() and current_app.config.get("SEARCH_SYNC_ON_COMMIT"):
        try_drain(index_store(), budget=current_app.config.get("SEARCH_SYNC_ON_COMMIT_ROWS", 20))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    for key in (QUEUED, TERMS_PENDING, TERMS_WRITTEN):
        session.info.pop(key, None)


def try_drain(store: IndexStore, *, budget: int | None = None) -> int:
    """Drain now if nobody else is; never raises (rows that fail stay queued for the worker)."""
    try:
        return drain(store, budget=budget)
    except IndexDamagedError as error:  # `flask worker` rebuilds it; the request goes on
        log.warning("The search index is damaged; the rows stay queued for `flask worker`: %s", error)
    except Exception:  # the post is committed; the index can catch up later, the request must not fail
        log.exception("Indexing from the queue failed; the rows stay queued for `flask worker`")
    return 0


# ------------------------------------------------------------------------------------- 3. draining


def drain(
    store: IndexStore, *, budget: int | None = None, before_index_commit: Callable[[], None] | None = None
) -> int:
    """Index queued posts if the writer lock is free; returns the number of posts written.

    Without a budget, drains until the queue is empty (the worker, the CLI). With one (after a
    request's commit), reads at most `budget` rows and starts no index commit after
    AFTER_COMMIT_SECONDS. Checks the queue again after letting the lock go: rows committed by a
    process that found the lock taken a moment earlier are drained here, within the same budget.
    """
    written, rows_left = 0, budget
    deadline = None if budget is None else time.monotonic() + AFTER_COMMIT_SECONDS
    while rows_left is None or rows_left > 0:
        try:
            with store.writer_lock():
                count, rows, stuck = _drain_locked(store, before_index_commit, rows_left, deadline)
        except IndexBusyError:
            return written
        written += count
        if rows_left is not None:
            rows_left -= rows
        if stuck or (deadline is not None and time.monotonic() > deadline) or not queue_has_rows():
            break
    return written


_ANY_QUEUED = select(SearchQueue.id).limit(1)


def queue_has_rows() -> bool:
    """True while a row waits in the queue; read on a connection of its own (not the session's:
    its transaction stays as it was), without an ORM session around it (0.08 ms instead of 0.18)."""
    with db.engine.connect() as connection:
        return connection.execute(_ANY_QUEUED).first() is not None


def _drain_locked(
    store: IndexStore, before_index_commit: Callable[[], None] | None, limit: int | None, deadline: float | None
) -> tuple[int, int, bool]:
    """Drain until the queue is empty, `limit` rows were read or the deadline passed:
    (posts written, rows read, True if rows must wait for a rebuild)."""
    written = read = 0
    while limit is None or read < limit:
        if deadline is not None and read and time.monotonic() > deadline:
            break
        batch = BATCH if limit is None else min(BATCH, limit - read)
        with Session(db.engine) as session:
            rows = session.execute(select(SearchQueue.id, SearchQueue.post_id).order_by(SearchQueue.id).limit(batch))
            rows = rows.all()
            if not rows:
                break
            ix = store.open_index() or _first_index(store, session)
            if ix is None:
                return written, read, True
            post_ids = list(dict.fromkeys(post_id for _, post_id in rows))  # one operation per post
            documents = {int(doc["id"]): doc for doc in map(document_for, post_rows(session, post_ids))}
        writer = store.open_writer(ix)
        try:
            for post_id in post_ids:  # never update_document twice in one writer: the first copy would stay
                writer.delete_by_term("id", str(post_id))
                if post_id in documents:
                    writer.add_document(**documents[post_id])
            if before_index_commit is not None:
                before_index_commit()
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        posts_indexed.send(store, post_ids=post_ids)
        _delete_rows([row_id for row_id, _ in rows])
        written += len(post_ids)
        read += len(rows)
    return written, read, False


def _delete_rows(row_ids: list[int]) -> None:
    with write_intent(), Session(db.engine) as session:
        for start in range(0, len(row_ids), BATCH):
            session.execute(delete(SearchQueue).where(SearchQueue.id.in_(row_ids[start : start + BATCH])))
        session.commit()


def _first_index(store: IndexStore, session: Session):
    """Create the index from the queue alone when that gives every post (a new database, the demo)."""
    unqueued = session.scalar(select(func.count()).select_from(Post).where(Post.id.not_in(select(SearchQueue.post_id))))
    if unqueued:
        log.warning("No search index yet and %d posts are not queued: run `flask search rebuild`", unqueued)
        return None
    name, _ix = store.new_generation()
    store.publish(name)
    return store.open_index()


def queue_lag() -> tuple[int, float | None]:
    """Rows waiting, and the age in seconds of the oldest one."""
    with Session(db.engine) as session:
        count, oldest = session.execute(select(func.count(), func.min(SearchQueue.queued_at))).one()
    return count, (utcnow() - oldest).total_seconds() if oldest else None
