"""`flask search rebuild|check [--fix]` and `flask worker` for operators."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.extensions import db
from app.posts.models import Post, PostStatus
from app.search.store import index_store
from tests.search.conftest import indexed, queued

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue


def test_rebuild_indexes_every_post_into_a_new_folder_and_swaps_it_in(app, make, runner):
    posts = [make.post(title=f"پست شماره {n} برای بازسازی") for n in range(3)]
    old = index_store().current_name()
    with index_store().searcher() as before:  # a search in progress during the rebuild
        result = runner.invoke(args=["search", "rebuild"])
        assert before.doc_count() == 3  # still answers from the old folder
    assert result.exit_code == 0, result.output
    assert "Indexed 3 posts" in result.output and "posts/s" in result.output
    assert "per CPU-second" in result.output and "load average" in result.output
    assert index_store().current_name() != old
    assert set(indexed()) == {post.id for post in posts}


def test_rebuild_if_missing_builds_only_when_there_is_no_index(app, make, runner):
    make.post()
    result = runner.invoke(args=["search", "rebuild", "--if-missing"])
    assert "exists" in result.output and result.exit_code == 0


def test_check_reports_missing_stale_and_extra_posts_and_fix_repairs_them(app, make, runner):
    kept, changed, gone = (make.post().id for _ in range(3))
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    missing = make.post(title="این پست به نمایه نرسید").id
    db.session.execute(db.text("DELETE FROM search_queue"))  # lost, as if written around the queue
    db.session.execute(update(Post).where(Post.id == changed).values(title="عنوان تازه‌ای که نمایه ندارد"))
    db.session.execute(db.text("DELETE FROM search_queue"))
    db.session.execute(db.text("DELETE FROM post WHERE id = :id"), {"id": gone})  # around the ORM
    db.session.commit()

    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"missing: 1 (post ids {missing})" in result.output
    assert f"stale: 1 (post ids {changed})" in result.output
    assert f"extra: 1 (post ids {gone})" in result.output

    result = runner.invoke(args=["search", "check", "--fix"])
    assert result.exit_code == 0 and "Fixed: re-indexed 3 posts" in result.output
    assert set(indexed()) == {kept, changed, missing}
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_check_without_an_index_says_so_and_fix_builds_it(app, make, runner):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    post = make.post(PostStatus.PENDING)
    db.session.execute(db.text("DELETE FROM search_queue"))
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert "no search index" in result.output and result.exit_code == 2  # its own status: no index
    result = runner.invoke(args=["search", "check", "--fix"])
    assert "Built the index: 1 posts" in result.output
    assert post.id in indexed()


def test_the_worker_drains_what_commits_left_and_builds_a_missing_index(app, make, runner):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    post = make.post()
    db.session.execute(db.text("DELETE FROM search_queue"))
    db.session.commit()
    other = make.post()  # queued, not drained
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the missing or damaged search index, posts: 2" in result.output
    assert {post.id, other.id} <= set(indexed()) and queued() == 0
