"""The README's production shape, run for real: gunicorn with several workers and a graceful timeout,
`flask worker` beside them. A web worker SIGKILLed is replaced and the others keep answering; a post
committed without indexing after its commit is indexed by the worker."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.db import write_intent
from app.extensions import db
from app.search.store import index_store
from tests.search.conftest import indexed

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_LINE = [
    "--workers",
    "2",
    "--threads",
    "4",
    "--worker-connections",
    "4",
    "--graceful-timeout",
    "30",
]  # the README's, with 2 workers
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="serves the SQLite file of the test")


def _get(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(app, app_config, make, factory_indexing):
    factory_indexing.eager = True  # the processes started here read the index and the queue
    make.post()  # the index exists
    db.session.commit()
    index_store().close()
    port = _free_port()
    env = os.environ | {
        "FLASK_APP": "app",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SHAHRVAND_SEARCH_INDEX_DIR": app_config["SEARCH_INDEX_DIR"],
        "SHAHRVAND_INSTANCE_PATH": str(Path(app_config["SEARCH_INDEX_DIR"]).parent / "instance"),
        "SHAHRVAND_SECRET_KEY": "test-secret",
    }
    web = subprocess.Popen(
        [
            BIN / "gunicorn",
            *PRODUCTION_LINE,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen([BIN / "flask", "worker", "--interval", "0.2"], env=env, cwd=ROOT)
    deadline = time.time() + 60
    while _get(port, "/healthz") != 200:
        assert time.time() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield port, web
    for process in (web, worker):
        process.send_signal(signal.SIGTERM)
    for process in (web, worker):
        process.wait(timeout=60)


def _web_workers(master: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()}


def test_a_killed_web_worker_is_replaced_and_the_site_keeps_answering(site):
    port, web = site
    workers = _web_workers(web.pid)
    assert len(workers) == 2
    os.kill(min(workers), signal.SIGKILL)
    answers = [_get(port, "/") for _ in range(20)]  # new connections go to the worker still alive
    assert answers.count(200) == 20, answers
    deadline = time.time() + 30
    while len(_web_workers(web.pid) - {min(workers)}) < 2:
        assert time.time() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.2)


def test_the_worker_beside_the_web_server_indexes_what_requests_left_queued(app, site, make):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    # The worker writes beside this process (it embeds the posts it indexed): the post is written with
    # SQLite's write lock taken up front, as the app's requests and commands write, not by upgrading a
    # read, which fails at once ("database is locked") when the worker committed in between.
    with write_intent():
        post = make.post(title="چراغ خیابان سجاد خاموش است")
    deadline = time.time() + 30
    while post.id not in indexed():
        assert time.time() < deadline, "flask worker did not index the queued post"
        time.sleep(0.2)
