"""A web process killed between its commit and indexing loses nothing: the row waits in the queue
and `flask worker` indexes it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from app.search.store import index_store
from tests.search.conftest import indexed, queued

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue

KILLED_AFTER_COMMIT = textwrap.dedent(
    """
    import json, os, signal, sys
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from app import create_app
    from app.extensions import db
    from tests import factories

    app = create_app(json.loads(sys.argv[1]))
    with app.app_context():
        author = db.session.get(factories.User, int(sys.argv[2]))
        # runs before the drain after the commit: the process dies with its post committed, not indexed
        def die(session):
            if session.info.get("search_queued"):  # the commit that wrote the post and its queue row
                os.kill(os.getpid(), signal.SIGKILL)

        event.listen(Session, "after_commit", die, insert=True)
        factories.Factories().post(title="پستی که پیش از نمایه شدن کشته شد", author=author)
    """
)


def test_a_process_killed_after_its_commit_leaves_the_post_queued_and_the_worker_indexes_it(
    app, app_config, make, runner
):
    author = make.user()
    make.post()  # the index exists
    before = set(indexed())
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, json.dumps(app_config), str(author.id)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr
    assert queued() == 1 and set(indexed()) == before  # committed, not indexed
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert queued() == 0 and len(set(indexed()) - before) == 1
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    index_store().close()
