"""Rendered pages for visitors, cached per process and invalidated exactly on every public write.

A one-row table holds the site's content generation. Any flush or ORM statement that touches a
model registered with `public_content()` bumps it inside the same transaction, so a page cached
under generation N can never be served once a write that changes public content has committed.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps

from flask import current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import bindparam, event, inspect, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db


@dataclass(frozen=True)
class _Rule:
    """How writes to one table change pages."""

    attributes: frozenset[str] | None  # the attributes whose change is visible (None: any change)
    counters: frozenset[str] = frozenset()  # changing only these touches the row's own pages (and lists)
    version_column: str | None = None  # the row's own pages' version, bumped by such changes
    parent: str | None = None  # the attribute naming the versioned row a row belongs to (a comment's post)


# table name -> its rule
_PUBLIC_TABLES: dict[str, _Rule] = {}
_VERSIONED: dict[str, type] = {}  # "version holder" (the one table with a version column) -> its model

SITE, LISTS = 1, 2  # rows of site_generation: every public write; the writes that only lists see besides a post


class SiteGeneration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def public_content(
    model: type | None = None,
    *,
    only: tuple[str, ...] | None = None,
    counters: tuple[str, ...] = (),
    version_column: str | None = None,
    belongs_to: str | None = None,
):
    """Class decorator: writes to this model (or to the attributes named in `only`) change pages.

    Every such write bumps the site's generation (every cached page and fragment is new), except
    two kinds that touch fewer pages: a change of only the `counters` of a model with a
    `version_column` (a vote, a new comment's count) bumps that row's version and the lists'
    generation; any change to a model that `belongs_to` the versioned model (a comment, by its
    `post_id`) bumps its owner's version and the lists' generation.
    """

    def register(cls: type) -> type:
        _PUBLIC_TABLES[cls.__tablename__] = _Rule(
            frozenset(only) if only else None, frozenset(counters), version_column, belongs_to
        )
        if version_column:
            _VERSIONED["holder"] = cls
        return cls

    return register(model) if model is not None else register


def current_generation() -> int | None:
    """The site's content generation, or None when the row is missing (then nothing is cached)."""
    return current_versions()[0]


def current_versions(row_id: int | None = None, *, in_session: bool = False, also: tuple = ()) -> tuple:
    """(site generation, lists generation, version of the versioned row `row_id`) in one query.

    Read on a connection of its own, outside the request's session (cached pages must not open and
    keep a transaction), or `in_session`: in the request's own transaction, so that what a page then
    reads is never older than these versions (SQLite keeps a reader's snapshot from its first read).
    `also`: more scalar subqueries read in the same query, their values after the three."""
    holder = _VERSIONED.get("holder")
    if not also and (row_id is None or holder is not None):  # (the usual question: a statement built once)
        query, values = _plain_versions(row_id is not None), {"row": row_id}
        if in_session:
            return tuple(db.session.execute(query, values).one())
        with db.engine.connect() as connection:
            return tuple(connection.execute(query, values).one())
    generation = select(SiteGeneration.value).where(SiteGeneration.id == SITE).scalar_subquery()
    lists = select(SiteGeneration.value).where(SiteGeneration.id == LISTS).scalar_subquery()
    if row_id is None or holder is None:
        query = select(generation, lists, None, *also)
    else:
        column = getattr(holder, _PUBLIC_TABLES[holder.__tablename__].version_column)
        query = select(generation, lists, select(column).where(holder.id == row_id).scalar_subquery(), *also)
    if in_session:
        return tuple(db.session.execute(query).one())
    with db.engine.connect() as connection:
        return tuple(connection.execute(query).one())


# Built once: every public write runs it (building a statement costs as much as running it, note 0030).
_BUMP = update(SiteGeneration).where(SiteGeneration.id == bindparam("row")).values(value=SiteGeneration.value + 1)


def _bump(connection, which: int = SITE) -> None:
    connection.execute(_BUMP, {"row": which})


def _bump_rows(connection, ids: set[int]) -> None:
    """Bump the versions of these rows of the versioned table, and the lists' generation."""
    holder = _VERSIONED["holder"]
    column = getattr(holder, _PUBLIC_TABLES[holder.__tablename__].version_column)
    if ids:
        connection.execute(update(holder.__table__).where(holder.id.in_(sorted(ids))).values({column.key: column + 1}))
    _bump(connection, LISTS)


def _scope(obj, is_update: bool) -> tuple[bool, int | None]:
    """(changes public content, the versioned row it is confined to or None for the whole site)."""
    rule = _PUBLIC_TABLES.get(getattr(obj, "__tablename__", None))
    if rule is None:
        return False, None
    if rule.parent is not None:
        owner = getattr(obj, rule.parent, None)
        if owner is not None:
            return True, owner
    if not is_update:
        return True, None
    state = inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if rule.attributes is not None:
        changed &= rule.attributes
    if not changed:
        return False, None
    if rule.version_column and changed <= rule.counters | {rule.version_column}:
        return True, obj.id
    return True, None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    rows: set[int] = set()
    scopes = [_scope(obj, False) for obj in (*session.new, *session.deleted)]
    scopes += [_scope(obj, True) for obj in session.dirty]
    for is_public, row in scopes:
        if not is_public:
            continue
        if row is None:
            _bump(session.connection())
            return
        rows.add(row)
    if rows:
        _bump_rows(session.connection(), rows)


def _set_names(statement) -> set[str] | None:
    values = getattr(statement, "_values", None)
    if not values:
        return None  # values given as execute() parameters: cannot tell
    return {getattr(column, "key", column) for column in values}


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    rule = _PUBLIC_TABLES.get(table.name) if table is not None else None
    if rule is None:
        return
    names = _set_names(state.statement) if state.is_update else None
    if rule.version_column and names and names <= rule.counters:
        # Counters only (a vote): the statement bumps the version of exactly the rows it changes.
        state.statement = _with_version(state.statement, table.c[rule.version_column])
        _bump(state.session.connection(), LISTS)
        return
    _bump(state.session.connection())


# A statement built once (a vote's counters) -> the same with its version bumped: built once too,
# so that SQLAlchemy's cache key of it is computed once, not on every vote. Weak keys: a statement
# built for one call leaves with it.
_VERSIONED_STATEMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _with_version(statement, column):
    bumped = _VERSIONED_STATEMENTS.get(statement)
    if bumped is None:
        bumped = _VERSIONED_STATEMENTS[statement] = statement.values({column: column + 1})
    return bumped


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


def _cacheable(signed_in_too: bool = False) -> bool:
    return (
        current_app.config["PAGE_CACHE_SIZE"] > 0
        and request.method == "GET"
        and (signed_in_too or not current_user.is_authenticated)
        and "_flashes" not in session
    )


def vary_every_page(app, part: Callable[[], object]) -> None:
    """Make `part()` a part of every cached page's key: something pages show that no generation
    follows (the hour, for calls that open and close)."""
    app.extensions.setdefault("page_cache_vary", []).append(part)


def vary_whole_site_pages(app, part: Callable[[], object]) -> None:
    """Make `part()` a part of the key of pages cached with the default scope (they may show
    anything): something written after the commit, such as the search index's version."""
    app.extensions.setdefault("page_cache_vary_site", []).append(part)


def clock(phase: int = 0) -> int:
    """The present, in steps of PANEL_REFRESH_SECONDS: a post page's parts built from other posts
    (similar posts and their counts) and relative times ("5 minutes ago") are at most one step old.

    Each post's steps start `phase` (its id) seconds apart from the others', so that a city's post
    pages are not all rendered again in the same second."""
    return step_of(_now(), phase, current_app.config["PANEL_REFRESH_SECONDS"])


def step_of(moment: float, phase: int, step: int) -> int:
    """`clock(phase)` at `moment` (seconds since the epoch) for steps of `step` seconds."""
    return int((moment + phase % step) // step)


_now = time.time  # (tests move the clock on through this name)


SITE_SCOPE, LISTS_SCOPE, POST_SCOPE = "site", "lists", "post"


def page_versions(scope: str, post_id: int | None = None, *, in_session: bool = False) -> tuple | None:
    """What a cached page of this scope (or a fragment of a post's page) is keyed by; None: do not cache.

    - "site": anything may change it: the site and lists generations, and what `vary_whole_site_pages` adds;
    - "lists": lists of posts: the site and lists generations (a vote changes counts and orders);
    - "post": one post's page: the site generation, that post's own version (its votes and comments),
      and the clock (its similar posts are other posts)."""
    return versions_key(
        scope, post_id, current_versions(post_id if scope == POST_SCOPE else None, in_session=in_session)
    )


def versions_key(scope: str, post_id: int | None, versions: tuple) -> tuple | None:
    """`page_versions` from versions already read (`current_versions`, with more values read beside them)."""
    site, lists, version = versions[:3]
    if site is None or (scope == POST_SCOPE and version is None) or (scope != POST_SCOPE and lists is None):
        return None  # a missing row: nothing would tell this page's versions apart
    if scope == POST_SCOPE:
        key: tuple = (site, post_id, version, clock(post_id))
    else:
        key = (site, lists)
    if scope == SITE_SCOPE:
        key += tuple(part() for part in current_app.extensions.get("page_cache_vary_site", ()))
    return key + tuple(part() for part in current_app.extensions.get("page_cache_vary", ()))


def cached_for_visitors(
    view: Callable | None = None, *, scope: str = SITE_SCOPE, post_arg: str = "post_id", signed_in_too: bool = False
):
    """Serve signed-out visitors a page rendered once per version of what it shows (`page_versions`
    of the scope; for "post", of the post named by the view's `post_arg`) and language.

    `signed_in_too`: signed-in people get the same cached answer (data that is the same for every
    viewer and carries no form: the city map's markers)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not _cacheable(signed_in_too):
                return view(*args, **kwargs)
            versions = page_versions(scope, kwargs.get(post_arg))
            if versions is None:
                return view(*args, **kwargs)
            key = (versions, str(get_locale()), request.full_path)
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

    return decorate(view) if view is not None else decorate


def remembered(name: str, compute: Callable[[], object], *, every_seconds: int) -> object:
    """`compute()`'s value, kept in this process until a write bumps the site's generation or
    `every_seconds` pass (figures over a moving window of time). The generation is read in the
    request's own transaction, so a value is never older than the generation it is kept under.

    For figures that only site-wide writes change (statuses, timelines, names: not votes or
    comments). The value must be plain data, never ORM objects (they belong to one session)."""
    site = current_versions(in_session=True)[0]
    if site is None or current_app.config["PAGE_CACHE_SIZE"] <= 0:
        return compute()
    key = (name, site, int(_now() // every_seconds))
    values = current_app.extensions.setdefault("shahrvand_remembered", _PageCache())
    value = values.get(key)
    if value is None:
        value = compute()
        values.put(key, value, 64)
    return value


def ensure_generation_row() -> None:
    """Create the generation rows if the database is new (called after migrations and in tests)."""
    for row in (SITE, LISTS):
        if db.session.get(SiteGeneration, row) is None:
            db.session.execute(text("INSERT INTO site_generation (id, value) VALUES (:id, 0)"), {"id": row})


@cache
def _plain_versions(with_row: bool):
    if with_row:
        return select(*versions_columns(bindparam("row")))
    return select(*versions_columns(bindparam("row"))[:2], None)


def versions_columns(row) -> tuple:
    """The three columns `current_versions` reads, for the versioned row `row` (a bound parameter):
    for a statement built once that reads them beside other values of a page."""
    holder = _VERSIONED["holder"]
    column = getattr(holder, _PUBLIC_TABLES[holder.__tablename__].version_column)
    return (
        select(SiteGeneration.value).where(SiteGeneration.id == SITE).scalar_subquery(),
        select(SiteGeneration.value).where(SiteGeneration.id == LISTS).scalar_subquery(),
        select(column).where(holder.id == row).scalar_subquery(),
    )
