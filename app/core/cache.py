"""Rendered pages for visitors, cached per process and invalidated exactly on every public write.

A one-row table holds the site's content generation. Any flush or ORM statement that touches a
model registered with `public_content()` bumps it inside the same transaction, so a page cached
under generation N can never be served once a write that changes public content has committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event, inspect, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

# table name -> the attributes whose change is visible to visitors (None: any change)
_PUBLIC_TABLES: dict[str, frozenset[str] | None] = {}


class SiteGeneration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def public_content(model: type | None = None, *, only: tuple[str, ...] | None = None):
    """Class decorator: writes to this model (or to the attributes named in `only`) change pages."""

    def register(cls: type) -> type:
        _PUBLIC_TABLES[cls.__tablename__] = frozenset(only) if only else None
        return cls

    return register(model) if model is not None else register


def current_generation() -> int | None:
    """The content generation, or None when the row is missing (then nothing is cached)."""
    with db.engine.connect() as connection:
        return connection.execute(_GENERATION_QUERY).scalar()


_GENERATION_QUERY = select(SiteGeneration.value).where(SiteGeneration.id == 1)


def _bump(connection) -> None:
    connection.execute(update(SiteGeneration).where(SiteGeneration.id == 1).values(value=SiteGeneration.value + 1))


def _changes_public_content(obj, is_update: bool) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table not in _PUBLIC_TABLES:
        return False
    attributes = _PUBLIC_TABLES[table]
    if not is_update or attributes is None:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if any(_changes_public_content(obj, False) for obj in (*session.new, *session.deleted)) or any(
        _changes_public_content(obj, True) for obj in session.dirty
    ):
        _bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in _PUBLIC_TABLES:
        _bump(state.session.connection())


class _PageCache:
    def __init__(self) -> None:
        self._pages: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: tuple[bytes, str], limit: int) -> None:
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > limit:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def page_cache() -> _PageCache:
    """This application's page cache (one per app, so that test apps never share pages)."""
    return current_app.extensions.setdefault("shahrvand_page_cache", _PageCache())


def _cacheable() -> bool:
    return (
        current_app.config["PAGE_CACHE_SIZE"] > 0
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def vary_every_page(app, part: Callable[[], object]) -> None:
    """Make `part()` a part of every cached page's key: something pages show that is written after
    the commit, so the content generation does not follow it (the search index's similar posts)."""
    app.extensions.setdefault("page_cache_vary", []).append(part)


def cached_for_visitors(view: Callable) -> Callable:
    """Serve signed-out visitors a page rendered once per content generation and language (and per
    value of what `vary_every_page` adds)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        generation = current_generation()
        if generation is None:
            return view(*args, **kwargs)
        every_page = tuple(part() for part in current_app.extensions.get("page_cache_vary", ()))
        key = (generation, str(get_locale()), request.full_path, every_page)
        page = page_cache().get(key)
        if page is None:
            response = make_response(view(*args, **kwargs))
            # A page that needed the visitor's session (a form token, a message) is theirs alone.
            if response.status_code != 200 or response.direct_passthrough or session.modified:
                return response
            page = (response.get_data(), response.content_type)
            page_cache().put(key, page, current_app.config["PAGE_CACHE_SIZE"])
        response = current_app.response_class(page[0], content_type=page[1])
        response.headers["Vary"] = "Cookie, Accept-Language"
        return response

    return wrapper


def ensure_generation_row() -> None:
    """Create the generation row if the database is new (called after migrations and in tests)."""
    if db.session.get(SiteGeneration, 1) is None:
        db.session.execute(text("INSERT INTO site_generation (id, value) VALUES (1, 0)"))
