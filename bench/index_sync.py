"""Index sync across processes: nothing lost, nothing stale, how long until a change is searchable.

Starts 2, 3 and 4 writer processes on one SQLite database and one index folder, beside one worker
process running `flask worker`'s tasks (as `make run` and the production line do: a request drains a
small budget after its commit and leaves the rest, and rows whose drain found the lock taken, to the
worker). Each writer commits a mix of new posts and edits of ONE post that every process edits (the
hardest case for order), and after each commit waits until the index holds exactly what it committed
(or a newer version), which gives the lag from commit to searchable. Then a process is killed with
SIGKILL in the middle of a drain (after writing documents, before the index commit), and the queue is
drained by another process. After each round `check` compares every post with its document.

    .venv/bin/python bench/index_sync.py [--writes 60] [--processes 2,3,4] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(workdir: Path):
    from app import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'sync.sqlite3'}",
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "PAGE_CACHE_SIZE": 0,
            "SEARCH_EMBEDDINGS": False,  # words only: this measures the index queue, not the model
        }
    )


def prepare(workdir: Path) -> int:
    """A database with an author, a category and the shared post (indexed); returns the post's id."""
    from app.core.cache import ensure_generation_row
    from app.core.db import write_intent
    from app.extensions import db

    app = make_app(workdir)
    with app.app_context(), write_intent():
        db.create_all()
        ensure_generation_row()
        db.session.execute(
            db.text(
                "INSERT INTO user (email, email_key, display_name, password_hash, role, locale, is_blocked,"
                " created_at, email_verified_at) VALUES ('w@example.org', 'w@example.org', 'W', 'x', 'resident',"
                " 'fa', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            db.text(
                "INSERT INTO category (slug, name_fa, name_en, accepts_problems, accepts_ideas,"
                " position, is_active) VALUES ('c', 'c', 'c', 1, 1, 0, 1)"
            )
        )
        db.session.commit()
        shared = _new_post("the post every process edits")
        db.session.commit()
        app.extensions["search_store"].close()
        return shared.id


def _new_post(title: str):
    from app.extensions import db
    from app.posts.models import Post, PostKind, PostStatus

    post = Post(kind=PostKind.PROBLEM, status=PostStatus.PUBLISHED, title=title, body=title, category_id=1, author_id=1)
    db.session.add(post)
    db.session.flush()
    return post


def child(workdir: Path, number: int, writes: int, shared_id: int) -> None:
    """One writer process: commit, then wait until the index shows that commit (prints lags as JSON).

    Every edit of the shared post adds 1 to its support in SQL, so "the index shows my edit or a later
    one" is "the indexed support is at least what my transaction wrote"; an older version never passes.
    """
    from sqlalchemy import select, update

    from app.core.db import write_intent
    from app.extensions import db
    from app.posts.models import Post
    from app.search.documents import document_version, post_rows

    app = make_app(workdir)
    lags = []
    with app.app_context():
        store = app.extensions["search_store"]
        for step in range(writes):
            with write_intent():
                if step % 2:
                    post = _new_post(f"process {number} post {step} pothole")
                    wanted = ("version", document_version(next(post_rows(db.session(), [post.id]))))
                    post_id = post.id
                else:
                    post_id = shared_id
                    db.session.execute(
                        update(Post)
                        .where(Post.id == shared_id)
                        .values(title=f"edited by {number} at {step}", support=Post.support + 1)
                    )
                    wanted = ("support", db.session.scalar(select(Post.support).where(Post.id == shared_id)))
                db.session.commit()  # the after-commit drain runs here (or finds the lock taken)
            committed = time.perf_counter()
            lags.append(_wait_until_indexed(store, post_id, wanted) - committed)
            db.session.remove()
        store.close()
    print(json.dumps({"process": number, "lags": lags}))


def _wait_until_indexed(store, post_id: int, wanted: tuple[str, object]) -> float:
    field, value = wanted
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        with store.searcher() as searcher:
            doc = searcher.document(id=str(post_id)) if searcher is not None else None
        if doc is not None and (doc[field] == value if field == "version" else doc[field] >= value):
            return time.perf_counter()
        time.sleep(0.002)
    return float("inf")


def worker(workdir: Path, interval: float) -> None:
    """`flask worker`'s loop (its registered tasks, one round every `interval` s) until SIGTERM."""
    from app.search.cli import _end_transaction

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    parent = os.getppid()
    app = make_app(workdir)
    with app.app_context():
        tasks = app.extensions.get("worker_tasks", [])
        while not stopping and os.getppid() == parent:  # ends with the benchmark, even one killed
            for _name, task in tasks:
                try:
                    task()
                except Exception:  # as the worker does: say so, go on with the next round
                    app.logger.exception("Worker task failed")
                finally:
                    _end_transaction()
            time.sleep(interval)
        app.extensions["search_store"].close()


def killed_drain(workdir: Path, posts: int) -> None:
    """Queue posts without indexing them, start draining them, die before the index commit."""
    from app.core.db import write_intent
    from app.extensions import db
    from app.search.sync import drain

    app = make_app(workdir)
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    with app.app_context():
        with write_intent():
            for number in range(posts):
                _new_post(f"written before the crash {number}")
            db.session.commit()
        drain(app.extensions["search_store"], before_index_commit=lambda: os.kill(os.getpid(), signal.SIGKILL))


def spawn(*args: str, quiet: bool = False) -> subprocess.Popen:
    """This script again in a new process; its output is read by the caller (unless quiet)."""
    output = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen([sys.executable, __file__, *args], stdout=output, text=True, cwd=ROOT)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the worker ends its round), SIGKILL if it has not ended 30 s later."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _report(process: subprocess.Popen) -> dict:
    """The JSON line a writer printed last; its exit status (its traceback is on stderr) if it failed."""
    output = process.communicate()[0].strip()
    if process.returncode != 0 or not output:
        raise SystemExit(f"writer {process.args[4]} failed with exit status {process.returncode} (error above)")
    return json.loads(output.splitlines()[-1])


def audit(workdir: Path) -> dict:
    from app.search.maintenance import check
    from app.search.sync import queue_lag

    app = make_app(workdir)
    with app.app_context():
        report = check(app.extensions["search_store"])
        waiting, _oldest = queue_lag()
        app.extensions["search_store"].close()
    return {"missing": len(report.missing), "stale": len(report.stale), "extra": len(report.extra), "queued": waiting}


WORKER_INTERVAL = 0.5  # `flask worker`'s default pause between idle rounds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def round_of(processes: int, writes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="index-sync-") as folder:
        workdir = Path(folder)
        shared_id = prepare(workdir)
        started = time.perf_counter()
        started_processes: list[subprocess.Popen] = []
        try:
            started_processes.append(spawn("--worker", str(workdir), str(WORKER_INTERVAL), quiet=True))
            for n in range(processes):
                started_processes.append(spawn("--child", str(workdir), str(n), str(writes), str(shared_id)))
            lags = [lag for c in started_processes[1:] for lag in _report(c)["lags"]]
            seconds = time.perf_counter() - started
        finally:  # a writer that failed must not leave the others (or the worker) running on a removed folder
            for process in started_processes:
                _stop(process)
        result = audit(workdir)
    result.update(
        processes=processes,
        commits=len(lags),
        seconds=round(seconds, 2),
        lag_p50_ms=round(percentile(lags, 50) * 1000, 1),
        lag_p95_ms=round(percentile(lags, 95) * 1000, 1),
        lag_max_ms=round(max(lags) * 1000, 1),
    )
    return result


def kill_round(posts: int = 20) -> dict:
    from app.search.sync import drain

    with tempfile.TemporaryDirectory(prefix="index-kill-") as folder:
        workdir = Path(folder)
        prepare(workdir)
        victim = spawn("--kill", str(workdir), str(posts))
        victim.communicate()
        after_kill = audit(workdir)
        app = make_app(workdir)
        with app.app_context():
            written = drain(app.extensions["search_store"])  # what `flask worker` does next
            app.extensions["search_store"].close()
        repaired = audit(workdir)
    return {"returncode": victim.returncode, "after_kill": after_kill, "drained": written, "after_worker": repaired}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=60, help="commits per process")
    parser.add_argument("--processes", default="2,3,4")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--kill", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workdir, number, writes, shared = args.child
        return child(Path(workdir), int(number), int(writes), int(shared))
    if args.worker:
        return worker(Path(args.worker[0]), float(args.worker[1]))
    if args.kill:
        return killed_drain(Path(args.kill[0]), int(args.kill[1]))
    rounds = [round_of(int(n), args.writes) for n in args.processes.split(",")]
    killed = kill_round()
    if args.json:
        print(json.dumps({"rounds": rounds, "killed": killed}))
        return
    for r in rounds:
        print(
            f"{r['processes']} processes, {r['commits']} commits in {r['seconds']} s: missing {r['missing']}, "
            f"stale {r['stale']}, extra {r['extra']}, left queued {r['queued']}; commit → searchable "
            f"p50 {r['lag_p50_ms']} ms, p95 {r['lag_p95_ms']} ms, max {r['lag_max_ms']} ms"
        )
    before, after = killed["after_kill"], killed["after_worker"]
    print(
        f"killed mid-drain (SIGKILL, exit {killed['returncode']}): after the kill {before['queued']} rows queued, "
        f"{before['missing']} posts missing; a second process drained {killed['drained']} posts; then "
        f"missing {after['missing']}, stale {after['stale']}, queued {after['queued']}"
    )


if __name__ == "__main__":
    main()
