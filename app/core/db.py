"""Engine setup shared by every domain: SQLite pragmas and write transactions that never deadlock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import Float, Integer, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# SQLite upgrades a read transaction to a write one only if nobody committed in between; otherwise
# it fails at once with "database is locked". A request that may write therefore starts its
# transaction with BEGIN IMMEDIATE, which waits (busy_timeout) for the write lock instead.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)

# The largest id or counter a column holds: PostgreSQL's `integer` (SQLite's is wider). A number past
# it names nothing, and handed to PostgreSQL it is an error instead of "not found".
ID_MAX = 2**31 - 1


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware (stored naive-UTC by the models)."""
    return datetime.now(UTC).replace(tzinfo=None)


class seconds_between(FunctionElement):  # noqa: N801 -- an SQL function, named as SQL functions are
    """SQL: the seconds from the second moment to the first (a float), computed by the database."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


class cell_index(FunctionElement):  # noqa: N801 -- an SQL function, named as SQL functions are
    """SQL: the whole number below a value that is never negative (a cell of a grid), as an integer."""

    type = Integer()
    inherit_cache = True


@compiles(cell_index)
def _cell_index(element, compiler, **kw) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(cell_index, "sqlite")
def _cell_index_sqlite(element, compiler, **kw) -> str:
    # SQLite has FLOOR() only when built with its math functions; CAST truncates, which is the
    # same for a value that is never negative.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


def set_write_intent(value: bool):
    """Mark the transactions started from now on in this context as writers; returns a reset token."""
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Within the block, new transactions take SQLite's write lock up front."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextlib.contextmanager
def read_only() -> Iterator[None]:
    """Within the block, new transactions are plain readers, even inside a writing request: a side
    session that only reads must not queue for the write lock its own request already holds."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_engine(engine: Engine, *, busy_timeout_ms: int = 30000) -> None:
    """Attach the per-dialect connection settings to an engine (busy_timeout_ms: how long SQLite
    waits for another writer before "database is locked", which the app answers with a 503)."""
    if engine.dialect.name != "sqlite":
        return
    is_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN
        cursor = dbapi_connection.cursor()
        if not is_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def insert_ignoring_conflict(model, *, returning=None, **values):
    """INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL; returns the statement to execute."""
    from app.extensions import db

    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    return statement.returning(returning) if returning is not None else statement
