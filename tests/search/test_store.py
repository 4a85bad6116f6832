"""The index store of a process: what it keeps in memory goes when it is closed."""

from __future__ import annotations

import pytest

from app.search.store import index_store

pytestmark = pytest.mark.backends("whoosh")  # the index folder's store


def test_a_closed_store_forgets_what_it_memoized(app, make):
    make.post()
    store, answers = index_store(), iter(["first", "second"])
    assert store.memoized("count", lambda: next(answers), stamp=1) == "first"
    assert store.memoized("count", lambda: next(answers), stamp=1) == "first"  # from memory
    store.close()
    assert store.memoized("count", lambda: next(answers), stamp=1) == "second"
