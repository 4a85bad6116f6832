"""The posts the factories make reach the search index before the test's next request or command
(tests/factories.py `_indexed_once`), or at the end of each factory call for a test that asks for
it; and a test that opens a searcher on the index, or asks its version, while they wait is told so."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.posts.models import PostStatus
from app.search.store import index_store
from tests.search.conftest import hit_ids
from tests.search.conftest import queued as _queued

TITLE = "Broken streetlight on Sajjad Boulevard"


def _indexed_ids() -> set[int]:
    """As tests/search/conftest.py `indexed()`, without a searcher from the store: not counted as a read."""
    ix = index_store().open_index()
    if ix is None:
        return set()
    with ix.searcher() as searcher:
        return {int(fields["id"]) for fields in searcher.all_stored_fields()}


def test_the_factories_posts_wait_in_the_queue_and_a_request_writes_them_in_before_it_runs(client, make):
    posts = [make.post(PostStatus.PUBLISHED, title=TITLE), make.post(PostStatus.PUBLISHED, title="Water main leak")]
    assert _queued() > 0 and _indexed_ids() == set()
    page = client.get("/search", query_string={"q": "streetlight"}).get_data(as_text=True)
    assert hit_ids(page) == [posts[0].id]
    assert _queued() == 0 and _indexed_ids() == {post.id for post in posts}


def test_a_command_sees_the_factories_posts_in_the_index(runner, make):
    make.post(PostStatus.PUBLISHED, title=TITLE)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert _queued() == 0 and len(_indexed_ids()) == 1


def test_a_kept_worlds_copy_holds_its_posts_in_the_index(world_kept):
    post_id = world_kept(_one_post)
    assert _queued() == 0 and _indexed_ids() == {post_id}


def _one_post(make) -> int:
    return make.post(PostStatus.PUBLISHED, title=TITLE).id


def test_reading_the_index_while_the_factories_posts_wait_is_reported_with_where_it_read(make, factory_indexing):
    make.post(PostStatus.PUBLISHED, title=TITLE)
    with index_store().searcher():
        pass
    index_store().version()
    assert len(factory_indexing.early_reads) == 2
    assert all("test_factory_indexing.py" in where for where in factory_indexing.early_reads)
    with pytest.raises(AssertionError, match="read 2 time"):
        factory_indexing.check()  # what fails the test as it ends (and forgets them: this test passes)
    factory_indexing.check()


def test_nothing_is_reported_once_the_app_itself_drained_the_queue(make, factory_indexing):
    post = make.post(PostStatus.PUBLISHED, title=TITLE)
    post.title = TITLE + " (corrected)"
    db.session.commit()  # a commit of the app's own: it drains the queue after it, as in a request
    with index_store().searcher():
        pass
    assert factory_indexing.early_reads == []
    assert _indexed_ids() == {post.id}


def test_eager_indexing_writes_each_factory_calls_posts_at_its_end(make, factory_indexing):
    factory_indexing.eager = True
    first = make.post(PostStatus.PUBLISHED, title=TITLE)
    assert _queued() == 0 and _indexed_ids() == {first.id}
    second = make.post(PostStatus.PENDING, title="Water main leak")
    assert _queued() == 0 and _indexed_ids() == {first.id, second.id}
    with index_store().searcher():
        pass
    assert factory_indexing.early_reads == []


def test_a_request_leaves_the_rows_while_the_test_holds_writes_of_its_own(client, make, factory_indexing):
    make.post(PostStatus.PUBLISHED, title=TITLE)
    user = make.user(display_name="Maryam")
    user.display_name = "Not saved"
    db.session.flush()  # written in the test's transaction, neither committed nor rolled back yet
    assert client.get("/").status_code == 200
    db.session.rollback()
    assert db.session.get(type(user), user.id).display_name == "Maryam"  # not committed by the drain
    assert factory_indexing.left and _queued() > 0 and _indexed_ids() == set()
    client.get("/")  # nothing of the test's pending now: written in
    assert not factory_indexing.left and _queued() == 0 and len(_indexed_ids()) == 1


def test_rows_the_drain_could_not_write_still_count_as_left(client, make, factory_indexing):
    make.post(PostStatus.PUBLISHED, title=TITLE)
    with index_store().writer_lock():  # the index's writer busy: the drain before the request gives way
        assert client.get("/").status_code == 200
    assert factory_indexing.left and _queued() > 0
    with index_store().searcher():
        pass
    with pytest.raises(AssertionError, match="read 1 time"):
        factory_indexing.check()  # made on purpose here: reported, then forgotten


def test_asking_for_eager_indexing_late_writes_what_the_factories_left(make, factory_indexing):
    post = make.post(PostStatus.PUBLISHED, title=TITLE)
    assert _queued() > 0
    factory_indexing.eager = True
    assert not factory_indexing.left and _queued() == 0 and _indexed_ids() == {post.id}
