"""A broken or missing index never breaks a page, and `flask worker` repairs it by itself.

Each damage is done on disk, as a crash, a full disk or an operator would leave it: the live
generation's table of contents garbled, the generation folder emptied, the whole index folder deleted.
Pages are asked by a visitor whose pages are already cached, by a visitor of a fresh app (a worker
restarted after the damage), and by a signed-in resident; then the worker's round rebuilds the index.
"""

from __future__ import annotations

import shutil

import pytest

from app import create_app
from app.extensions import db
from app.search import maintenance
from app.search.store import DAMAGED, HEALTHY, MISSING, index_store
from tests.conftest import IsolatedClient
from tests.search.conftest import indexed, queued

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue

TITLE = "چاله بزرگ در خیابان امام رضا"


def garble_table_of_contents(root) -> None:
    for toc in (root / index_store().current_name()).glob("*.toc"):
        toc.write_bytes(b"\x00garbled" * 8)


def empty_generation_folder(root) -> None:
    for path in (root / index_store().current_name()).iterdir():
        path.unlink()


def delete_index_folder(root) -> None:
    shutil.rmtree(root)


DAMAGES = {
    "table of contents garbled": (garble_table_of_contents, DAMAGED),
    "generation folder emptied": (empty_generation_folder, DAMAGED),
    "index folder deleted": (delete_index_folder, MISSING),
}


def pages(post_id: int) -> list[str]:
    return ["/", "/posts", f"/posts/{post_id}", "/search?q=چاله", "/map", "/statistics"]


@pytest.fixture
def city(app, make):
    """Two similar public posts, indexed; the first one's id."""
    first = make.post(title=TITLE, body="چاله‌ای عمیق جلوی ایستگاه اتوبوس")
    make.post(title="چاله خطرناک خیابان امام رضا", body="یک چاله بزرگ کنار ایستگاه")
    assert index_store().health() == HEALTHY and len(indexed()) == 2
    return first.id


@pytest.fixture(params=list(DAMAGES))
def damage(request, app):
    harm, state = DAMAGES[request.param]
    return lambda: harm(index_store().root), state


def test_visitors_cached_pages_keep_answering_after_the_index_breaks(app, client, city, damage):
    harm, _state = damage
    for path in pages(city):
        assert client.get(path).status_code == 200, path  # cached now, keyed by the index's version
    harm()
    for path in pages(city):
        response = client.get(path)
        assert response.status_code == 200, path


def test_a_fresh_app_serves_every_page_without_similar_posts_while_the_index_is_broken(app, app_config, city, damage):
    harm, state = damage
    harm()
    restarted = create_app(app_config)  # a worker process started after the damage
    restarted.test_client_class = IsolatedClient
    visitor = restarted.test_client()
    for path in pages(city):
        assert visitor.get(path).status_code == 200, path
    post_page = visitor.get(f"/posts/{city}").get_data(as_text=True)
    assert TITLE in post_page and "چاله خطرناک" not in post_page  # no similar posts, the post itself shown
    assert restarted.extensions["search_store"].health() == state
    restarted.extensions["search_store"].close()
    with restarted.app_context():
        db.engine.dispose()  # its own connections (PostgreSQL warns of any left to the collector)


def test_signed_in_pages_keep_working_while_the_index_is_broken(app, client, auth, make, city, damage):
    harm, _state = damage
    auth.login(make.user())
    harm()
    for path in pages(city):
        assert client.get(path).status_code == 200, path
    response = client.post(f"/posts/{city}/vote", data={"value": "1"})
    assert response.status_code in (200, 302)  # a write still commits; its queue row waits


def test_check_reports_a_broken_index_with_its_own_exit_status(app, runner, city, damage):
    harm, state = damage
    harm()
    result = runner.invoke(args=["search", "check"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == {DAMAGED: 3, MISSING: 2}[state], result.output
    assert "Traceback" not in result.output
    fixed = runner.invoke(args=["search", "check", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_the_worker_rebuilds_a_broken_index_and_the_queue_drains_into_it(app, client, make, runner, city, damage):
    harm, _state = damage
    harm()
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # what commits meanwhile waits in the queue
    later = make.post(title="چراغ راهنمایی خاموش است")
    assert queued() >= 1
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the missing or damaged search index, posts: 3" in result.output
    assert index_store().health() == HEALTHY and queued() == 0
    assert {city, later.id} <= set(indexed())
    assert maintenance.check(index_store()).is_clean
    assert "چاله خطرناک" in client.get(f"/posts/{city}").get_data(as_text=True)  # similar posts are back


def test_two_processes_finding_the_index_broken_rebuild_it_once(app, app_config, city):
    garble_table_of_contents(index_store().root)
    other = create_app(app_config)  # another worker, with its own view of the folder
    with other.app_context():
        first = maintenance.repair(other.extensions["search_store"])
        other.extensions["search_store"].close()
        db.session.remove()
        db.engine.dispose()  # its own connections (PostgreSQL warns of any left to the collector)
    assert first == 2
    assert maintenance.repair(index_store()) is None  # healthy by now: nothing rebuilt twice


def test_a_rebuild_that_fails_leaves_no_folder_behind_and_the_next_round_succeeds(app, runner, city, caplog):
    root = index_store().root
    delete_index_folder(root)
    db.session.execute(db.text("ALTER TABLE post RENAME TO post_away"))  # the posts cannot be read
    db.session.commit()
    try:
        for _round in range(3):  # `flask worker` tries again every round
            result = runner.invoke(args=["worker", "--once"])
            assert result.exception is None and result.exit_code == 0, result.output
        failures = [r for r in caplog.records if r.getMessage().startswith("Worker task failed: rebuilt the missing")]
        assert len(failures) == 3 and all("post" in str(r.exc_info[1]) for r in failures)
        assert root.is_dir()  # made again by the rebuild as it took the lock
        assert [folder.name for folder in root.glob("gen-*")] == []
        assert index_store().health() == MISSING
    finally:  # PostgreSQL's test database is only emptied between tests: the rename would stay
        db.session.rollback()
        db.session.execute(db.text("ALTER TABLE post_away RENAME TO post"))
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert "rebuilt the missing or damaged search index, posts: 2" in result.output
    assert len(list(root.glob("gen-*"))) == 1 and index_store().health() == HEALTHY


def test_a_fresh_worker_opening_the_index_as_another_commits_serves_similar_posts_and_results(
    app, app_config, city, stale_listing
):
    restarted = create_app(app_config)  # a worker process whose first open meets the race
    restarted.test_client_class = IsolatedClient
    visitor = restarted.test_client()
    for _visit in ("first", "from the page cache"):
        post_page = visitor.get(f"/posts/{city}").get_data(as_text=True)
        assert TITLE in post_page and "چاله خطرناک" in post_page  # its similar post: the index was opened
    assert f'href="/posts/{city}"' in visitor.get("/search?q=چاله").get_data(as_text=True)  # a result
    assert stale_listing[0] < stale_listing[1]  # the race did happen, and the folder was listed again
    restarted.extensions["search_store"].close()
    with restarted.app_context():
        db.engine.dispose()  # its own connections (PostgreSQL warns of any left to the collector)


def test_a_signed_in_resident_meets_the_same_race_and_sees_the_same(app, client, auth, make, city, stale_listing):
    auth.login(make.user())
    index_store().close()  # the next page opens the folder afresh, during another process's commit
    post_page = client.get(f"/posts/{city}").get_data(as_text=True)
    assert TITLE in post_page and "چاله خطرناک" in post_page
    assert stale_listing[0] < stale_listing[1]
