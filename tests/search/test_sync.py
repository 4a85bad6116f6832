"""The index follows the database through the queue: commits index, rollbacks do not, crashes heal."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.extensions import db
from app.moderation import flags, services
from app.moderation.models import FlagReason
from app.posts.models import Post, PostStatus
from app.search import sync
from app.search.store import IndexStore, index_store
from tests.search.conftest import indexed, queued

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue


def test_a_committed_post_is_in_the_index_at_once_and_the_queue_is_empty(make):
    post = make.post(PostStatus.PENDING, title="چراغ خیابان سجاد خاموش است")
    doc = indexed()[post.id]
    assert doc["status"] == "pending" and doc["is_public"] is False
    assert queued() == 0


def test_a_rolled_back_post_leaves_no_trace_in_the_index_or_the_queue(make):
    make.post()  # the index exists
    author, category = make.user(), make.category()
    post = Post(kind="problem", title="این هرگز ثبت نشد", body="متن", category=category, author=author)
    db.session.add(post)
    db.session.flush()  # the queue row is written…
    post_id = post.id
    db.session.rollback()  # …and goes with the transaction
    assert post_id not in indexed()
    assert queued() == 0


def test_a_crash_between_commit_and_indexing_is_repaired_by_the_worker(app, make, runner):
    make.post(title="پست پیشین")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # as if the process died right after its commit
    post = make.post(title="پست پس از سقوط")
    assert post.id not in indexed() and queued() > 0
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert post.id in indexed() and queued() == 0


def test_the_last_change_of_a_post_in_a_batch_wins(app, make):
    post = make.post(title="عنوان نخست")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    for title in ("عنوان دوم", "عنوان سوم", "عنوان آخر برای آزمون"):
        post.title = title
        db.session.commit()
    assert queued() == 3
    assert sync.drain(index_store()) == 1  # one document written for three queued changes
    docs = [doc for doc in indexed().values() if doc["id"] == str(post.id)]
    assert len(docs) == 1 and docs[0]["title"] == "عنوان آخر برای آزمون"


def test_workflow_moves_flags_categories_and_votes_reach_the_index(make):
    post = make.post(PostStatus.PENDING)
    moderator = make._moderator()
    make.move(post, PostStatus.PUBLISHED)
    assert indexed()[post.id]["status"] == "published" and indexed()[post.id]["is_public"] is True

    make.supporters(post, 2)  # an ORM UPDATE of the counters, not a flush
    assert indexed()[post.id]["support"] == 2

    other = make.category()
    services.recategorise_post(post, other, moderator)
    db.session.commit()
    assert indexed()[post.id]["category"] == str(other.id)

    flags.uphold(moderator, post, FlagReason.OFFENSIVE)
    db.session.commit()
    assert indexed()[post.id]["is_public"] is False


def test_a_bulk_update_whose_targets_are_not_named_by_id_is_still_queued(make):
    first, second = make.post(title="نخستین پست آزمون"), make.post(title="دومین پست آزمون")
    db.session.execute(update(Post).where(Post.title.like("%پست آزمون")).values(support=Post.support + 5))
    db.session.commit()
    # Counters alone are indexed by the worker's round, not after the commit (SEARCH_SYNC_COUNTERS_ON_COMMIT).
    assert queued() == 2
    sync.drain(index_store())
    assert indexed()[first.id]["support"] == 5 and indexed()[second.id]["support"] == 5


def test_a_bulk_update_of_counters_is_indexed_after_its_commit_when_configured(app, make):
    app.config["SEARCH_SYNC_COUNTERS_ON_COMMIT"] = True
    post = make.post(title="نخستین پست آزمون")
    db.session.execute(update(Post).where(Post.title.like("%پست آزمون")).values(support=Post.support + 5))
    db.session.commit()
    assert indexed()[post.id]["support"] == 5 and queued() == 0


def test_changes_that_do_not_touch_the_index_queue_nothing(app, make):
    post = make.post()
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    make.comment(post)  # comment_count and last activity only
    assert queued() == 0


def test_a_deleted_post_leaves_the_index(make):
    post = make.post()
    post_id = post.id
    db.session.delete(post)
    db.session.commit()
    assert post_id not in indexed()


def test_a_busy_index_leaves_the_rows_for_whoever_holds_it(app, make):
    make.post()
    store = index_store()
    with store.writer_lock():  # another process is writing
        post = make.post(title="در صف می‌ماند")  # its commit finds the lock taken and returns at once
        assert post.id not in indexed() and queued() > 0
    assert sync.drain(store) >= 1
    assert post.id in indexed() and queued() == 0


def test_without_an_index_a_database_whose_posts_are_all_queued_builds_one(app, make):
    assert not index_store().exists()
    post = make.post()
    assert index_store().exists() and post.id in indexed()


def test_without_an_index_posts_written_before_wait_for_a_rebuild(app, make, runner):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    older = make.post(title="پست قدیمی بی‌نمایه")
    db.session.execute(db.text("DELETE FROM search_queue"))  # as if the index folder had been lost
    db.session.commit()
    app.config["SEARCH_SYNC_ON_COMMIT"] = True
    make.post(title="پست تازه")
    assert not index_store().exists()  # a partial index would hide the older post
    runner.invoke(args=["search", "rebuild"])
    assert older.id in indexed()


def test_another_process_sees_the_change_at_its_next_search(app, make):
    make.post()
    other = IndexStore(app.config["SEARCH_INDEX_DIR"])  # a second gunicorn worker's view of the folder
    try:
        with other.searcher() as searcher:
            before = searcher.doc_count()
        make.post(title="پست تازه از کارگری دیگر")
        with other.searcher() as searcher:
            assert searcher.doc_count() == before + 1
    finally:
        other.close()
