"""The index store of a process: what it keeps in memory goes when it is closed; a generation it could
not create leaves nothing behind."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from app.search.store import index_store

pytestmark = pytest.mark.backends("whoosh")  # the index folder's store


def test_a_closed_store_forgets_what_it_memoized(app, make):
    make.post()
    store, answers = index_store(), iter(["first", "second"])
    assert store.memoized("count", lambda: next(answers), stamp=1) == "first"
    assert store.memoized("count", lambda: next(answers), stamp=1) == "first"  # from memory
    store.close()
    assert store.memoized("count", lambda: next(answers), stamp=1) == "second"


def test_a_generation_that_cannot_be_created_leaves_no_folder(app, make, monkeypatch):
    make.post()
    store = index_store()
    before = sorted(folder.name for folder in store.root.iterdir())

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(whoosh_index, "create_in", disk_full)
    with store.writer_lock(), pytest.raises(OSError, match="No space left"):
        store.new_generation()
    assert sorted(folder.name for folder in store.root.iterdir()) == before


def test_a_table_of_contents_another_commit_removed_while_it_was_opened_is_looked_up_again(app, make, stale_listing):
    make.post()
    make.post()  # the second commit removed the first one's table of contents
    store = index_store()
    store.close()  # the next search opens the folder afresh, as a new process would
    with store.searcher() as searcher:
        assert searcher.doc_count() == 2  # not IndexDamagedError: the folder was listed again
    assert stale_listing[0] < stale_listing[1]
