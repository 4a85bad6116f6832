"""A request indexes at most a small fixed budget of the queue after its commit; the worker the rest."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.search import sync
from app.search.store import index_store
from tests.search.conftest import indexed, queued

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue


def test_a_commit_drains_at_most_its_budget_however_long_the_queue(app, make):
    posts = [make.post(title=f"پست شماره {n}") for n in range(30)]
    assert queued() == 0
    app.config["SEARCH_SYNC_ON_COMMIT_ROWS"] = 5
    sync.enqueue(db.session(), {post.id for post in posts})  # 30 rows in one commit
    db.session.commit()
    assert queued() == 30 - 5  # the commit indexed the oldest five rows, no more
    posts[0].title = "عنوان تازه برای پست نخست"
    db.session.commit()  # one more row, and again five
    assert queued() == 26 - 5
    assert sync.drain(index_store()) == 21  # the worker's drain has no budget
    assert queued() == 0 and indexed()[posts[0].id]["title"] == "عنوان تازه برای پست نخست"


def test_a_budget_stops_at_the_rows_it_was_given_even_if_more_come(app, make):
    make.post()
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    for n in range(8):
        make.post(title=f"پست شماره {n} در صف")
    db.session.commit()
    waiting = queued()
    assert sync.drain(index_store(), budget=3) >= 1
    assert queued() == waiting - 3  # rows read, whatever posts they name
