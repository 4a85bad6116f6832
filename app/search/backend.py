"""One search interface, two engines: Whoosh (a folder on one host) and PostgreSQL (app.search.pg).

Every caller goes through search_backend(): the search page and the API (queries.search_posts), the
moderators' department search (queries.matching_post_ids), similar posts and the duplicate hold-back
(similar.py: a `searcher()` that the shared ranking code reads), `flask search rebuild|check` and
`flask worker`. SEARCH_BACKEND chooses ("whoosh" or "postgres"); unset, PostgreSQL's own search is
used when the database is PostgreSQL, Whoosh otherwise. See docs/decisions/0031-postgres-search.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import Flask, current_app
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from app.search.maintenance import CheckReport
    from app.search.queries import SearchRequest, SearchResults
    from app.search.store import IndexStore

T = TypeVar("T")
BACKENDS = ("whoosh", "postgres")


class SearchBackend(Protocol):
    name: str
    writes_in_transaction: bool  # True: a post's terms are written in its own transaction (no queue)

    def version(self) -> Hashable | None:
        """Part of the key of whole-site cached pages (search results): changes whenever what the
        index answers may change."""

    def memoized(self, key: Hashable, compute: Callable[[], T], *, stamp: Hashable | None = None) -> T:
        """compute() once per version of the index for this key (per `stamp` when given), or every time."""

    def searcher(self) -> contextlib.AbstractContextManager[Any]:
        """What the ranking code (similarity, spelling) reads; yields None while there is no index."""

    def search(self, request: SearchRequest, viewer, results: SearchResults) -> tuple[list[int], frozenset[str]] | None:
        """One page of post ids and the terms to highlight, filling in results' total and hints.

        None while there is no index; raises when the index cannot be read.
        """

    def matching_ids(self, words: list[str], department_id: int | None, limit: int) -> list[int] | None: ...

    def health(self) -> str: ...

    def rebuild(self, progress: Callable[[int], None] | None = None, *, unless_healthy: bool = False) -> int | None: ...

    def check(self) -> CheckReport: ...

    def fix(self, report: CheckReport) -> int: ...

    def drain(self) -> int: ...

    def repair(self) -> int | None:
        """Rebuild the index if it is missing or damaged (`flask worker` asks every round); None if healthy."""

    def close(self) -> None: ...


class WhooshBackend:
    """The embedded default: the index folder (store.py), kept in step through the queue (sync.py)."""

    name = "whoosh"
    writes_in_transaction = False

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def version(self):
        return self.store.version()

    def memoized(self, key, compute, *, stamp=None):
        return self.store.memoized(key, compute, stamp=stamp)

    def searcher(self):
        return self.store.searcher()

    def search(self, request, viewer, results):
        from app.search.queries import whoosh_search

        return whoosh_search(self.store, request, viewer, results)

    def matching_ids(self, words, department_id, limit):
        from app.search.queries import whoosh_matching_ids

        return whoosh_matching_ids(self.store, words, department_id, limit)

    def health(self) -> str:
        return self.store.health()

    def rebuild(self, progress=None, *, unless_healthy=False):
        from app.search import maintenance

        return maintenance.rebuild(self.store, progress=progress, unless_healthy=unless_healthy)

    def check(self):
        from app.search import maintenance

        return maintenance.check(self.store)

    def fix(self, report):
        from app.search import maintenance

        return maintenance.fix(self.store, report)

    def drain(self) -> int:
        from app.search.sync import drain

        return drain(self.store)

    def repair(self):
        from app.search import maintenance

        return maintenance.repair(self.store)

    def close(self) -> None:
        self.store.close()


def backend_name(app: Flask) -> str:
    """SEARCH_BACKEND, or by the database: PostgreSQL's own search on PostgreSQL, Whoosh otherwise."""
    chosen = app.config.get("SEARCH_BACKEND")
    if chosen:
        if chosen not in BACKENDS:
            raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {chosen!r}")
        return chosen
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
    return "postgres" if url and make_url(url).get_backend_name() == "postgresql" else "whoosh"


def init_backend(app: Flask, store: IndexStore) -> SearchBackend:
    name = backend_name(app)
    if name == "postgres":
        url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
        if not url or make_url(url).get_backend_name() != "postgresql":
            found = make_url(url).get_backend_name() if url else "none"
            raise RuntimeError(f"SEARCH_BACKEND = 'postgres' needs a PostgreSQL database (DATABASE_URL: {found})")
        from app.search.pg.backend import PostgresBackend

        backend: SearchBackend = PostgresBackend()
    else:
        backend = WhooshBackend(store)
    app.extensions["search_backend"] = backend
    return backend


def search_backend() -> SearchBackend:
    """The current app's search backend."""
    return current_app.extensions["search_backend"]
