"""Helpers for search tests: what the real index on disk (a temporary folder per test) holds."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

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


@pytest.fixture
def search(client):
    """GET /search with these parameters; returns (status, post ids found, page text)."""

    def run(q: str = "", **params):
        response = client.get("/search", query_string={"q": q, **params})
        html = response.get_data(as_text=True)
        return response.status_code, hit_ids(html), html

    return run
