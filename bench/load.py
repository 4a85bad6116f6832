"""Simulated residents against gunicorn and `flask worker`, then a count of every acknowledged write.

Residents (threads on loopback, each with its own cookies and connection) sign in, browse the list and
posts, search, vote and take votes back, comment, and post with and without a photo, with think time
between steps. Bounded: --residents and --seconds. Each round serves a fresh copy of one prepared
database (SQLite file, or a PostgreSQL template database with --database-url) and index, and prints
requests/s, 5xx, 4xx, connection errors, latency per kind of request, then checks the database: every
write that got a success answer is there exactly once, `flask posts recount --check` and
`flask search check` are clean once the worker has drained. Rounds: index sync after commit on and
off (the ratio is printed), and optionally one web worker SIGKILLed halfway (--kill).

    .venv/bin/python bench/load.py [--residents 200] [--seconds 60] [--web-workers 2] [--shape make-run]
        [--kill] [--database-url postgresql://postgres@127.0.0.1:55504/postgres] [--rounds on,off]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.load_client import Resident, Tally, make_photo  # noqa: E402
from bench.load_verify import verify  # noqa: E402
from bench.pages import free_port  # noqa: E402

PASSWORD = "load-test-password"
SHAPES = {  # gunicorn arguments beside --workers: as `make run` starts it, and the README's production line
    "make-run": ["--threads", "8", "--worker-connections", "8", "--graceful-timeout", "30"],
    "production": ["--threads", "4", "--worker-connections", "4", "--graceful-timeout", "30", "--timeout", "60"],
}


def environment(instance: Path, database_url: str, sync: bool) -> dict:
    return os.environ | {
        "FLASK_APP": "app",
        "SHAHRVAND_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "SHAHRVAND_SEARCH_SYNC_ON_COMMIT": "true" if sync else "false",
        "SHAHRVAND_RATELIMIT_ENABLED": "false",  # every resident comes from 127.0.0.1
        # Sign-in is not what is measured: one cheap hash shared by every resident (see prepare).
        "SHAHRVAND_ARGON2_TIME_COST": "1",
        "SHAHRVAND_ARGON2_MEMORY_COST": "8192",
    }


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([BIN / "flask", *args], env=env, cwd=ROOT, check=check, capture_output=True, text=True)


def prepare(instance: Path, database_url: str, residents: int) -> None:
    """Migrate, seed the demo city, add the residents, build the index and the posts' vectors."""
    env = environment(instance, database_url, True)
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    script = (
        f"from app import create_app; from bench.load import add_residents; add_residents(create_app(), {residents})"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)
    flask(env, "search", "rebuild")
    flask(env, "search", "embed", "--missing")  # else the worker embeds the demo city during the first round


def add_residents(app, count: int) -> None:
    """The simulated residents: verified accounts that share one (cheap) password hash."""
    from app.accounts.addresses import email_key
    from app.accounts.models import User
    from app.accounts.services import hash_password
    from app.core.db import utcnow
    from app.extensions import db

    with app.app_context():
        password = hash_password(PASSWORD)
        emails = [f"load{n}@example.org" for n in range(count)]
        db.session.add_all(
            User(
                email=e,
                email_key=email_key(e),
                email_verified_at=utcnow(),
                display_name=f"ساکن {n}",
                password_hash=password,
                locale="fa",
            )
            for n, e in enumerate(emails)
        )
        db.session.commit()


def copy_round(base: Path, database_url: str, name: str) -> tuple[Path, str]:
    """A fresh copy of the prepared instance (and database) for one round."""
    instance = base / name
    shutil.copytree(base / "prepared", instance)
    if database_url.startswith("sqlite"):
        return instance, f"sqlite:///{instance / 'load.sqlite3'}"
    from sqlalchemy import create_engine, text

    engine = create_engine(_driver(database_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "load_prepared"'))
    engine.dispose()
    return instance, database_url.rsplit("/", 1)[0] + f"/{name}"


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class Site:
    """gunicorn in the given shape and `flask worker` beside it."""

    def __init__(self, env: dict, shape: str, workers: int):
        self.port = free_port()
        self.web = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                str(workers),
                *SHAPES[shape],
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "app:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        self.worker = subprocess.Popen([BIN / "flask", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        Resident.wait_until_up(self.port)

    def web_workers(self) -> list[int]:
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        for process in (self.web, self.worker):
            process.send_signal(signal.SIGTERM)
        for process in (self.web, self.worker):
            process.wait(timeout=60)


def run_round(args, base: Path, label: str, *, sync: bool, kill: bool) -> dict:
    instance, url = copy_round(base, args.database_url, f"load_{label.replace(' ', '_').replace(',', '')}")
    env = environment(instance, url, sync)
    site = Site(env, args.shape, args.web_workers)
    tally = Tally()
    stop_at = time.monotonic() + args.seconds
    rng = random.Random(1404)
    residents = [
        Resident(n, site.port, PASSWORD, tally, rng.random(), stop_at, args.ramp) for n in range(args.residents)
    ]
    threads = [threading.Thread(target=resident.live, daemon=True) for resident in residents]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    killed = None
    if kill:
        time.sleep(args.seconds / 2)
        killed = random.choice(site.web_workers())
        os.kill(killed, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=args.seconds + 120)
    elapsed = time.monotonic() - started
    site.web.send_signal(signal.SIGTERM)
    site.web.wait(timeout=60)
    checks = verify(env, residents, flask)  # waits for the worker to drain
    site.worker.send_signal(signal.SIGTERM)
    site.worker.wait(timeout=60)
    return {"label": label, "tally": tally, "elapsed": elapsed, "checks": checks, "killed": killed}


def report(result: dict) -> float:
    tally, elapsed = result["tally"], result["elapsed"]
    rate = tally.count() / elapsed
    print(
        f"\n== {result['label']}" + (f" (web worker {result['killed']} SIGKILLed halfway)" if result["killed"] else "")
    )
    print(
        f"{tally.count()} requests in {elapsed:.1f} s: {rate:.1f} requests/s; 5xx {tally.status(5)};"
        f" 4xx {tally.status(4)}; connection errors {tally.errors}"
    )
    print(f"{'kind':<16}{'n':>6}{'4xx':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  max <= 5 x p95")
    for kind, n, refused, p50, p95, p99, top in tally.latencies():
        ok = "yes" if top <= 5 * p95 else "NO"
        print(f"{kind:<16}{n:>6}{refused:>5}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{top:>9.0f}  {ok}")
    for line in result["checks"]:
        print(line)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=10, help="residents start spread over this many seconds")
    parser.add_argument("--web-workers", type=int, default=1, help="1: as `make run` starts it")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="make-run")
    parser.add_argument(
        "--rounds", default="both", help="index sync after commit: on, off, both, or none (only --kill)"
    )
    parser.add_argument(
        "--pairs", type=int, default=1, help="2: rounds on, off, off, on (a drift of the machine's load cancels)"
    )
    parser.add_argument(
        "--search-backend", choices=("", "whoosh", "postgres"), default="", help="default: the app's own choice"
    )
    parser.add_argument("--kill", action="store_true", help="a last round, sync on, with one web worker SIGKILLed")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    make_photo()
    if args.search_backend:  # every flask and gunicorn process below inherits it
        os.environ["SHAHRVAND_SEARCH_BACKEND"] = args.search_backend
    with tempfile.TemporaryDirectory(prefix="shahrvand-load-") as tmp:
        base = Path(tmp)
        (base / "prepared").mkdir()
        if args.database_url:
            url = _prepare_postgres(args.database_url)
        else:
            url = args.database_url = f"sqlite:///{base / 'prepared' / 'load.sqlite3'}"
        started = time.monotonic()
        prepare(base / "prepared", url, args.residents)
        load = os.getloadavg()
        print(f"prepared in {time.monotonic() - started:.0f} s; machine load average {load[0]:.1f} (1 min)")
        print(
            f"{args.residents} residents for {args.seconds:.0f} s, {args.shape} shape, {args.web_workers} web workers,"
            f" {'PostgreSQL' if 'postgresql' in url else 'SQLite'}"
        )
        rates: dict[str, list[float]] = {"on": [], "off": []}
        wanted = ["on", "off"] if args.rounds == "both" else [r for r in args.rounds.split(",") if r in ("on", "off")]
        order = [r for n in range(args.pairs) for r in (wanted if n % 2 == 0 else wanted[::-1])]  # on off off on …
        for n, sync in enumerate(order):
            label = f"index sync after commit {sync}" + (f", round {n + 1} of {len(order)}" if args.pairs > 1 else "")
            rates[sync].append(report(run_round(args, base, label, sync=sync == "on", kill=False)))
        if rates["on"] and rates["off"]:
            on, off = statistics.mean(rates["on"]), statistics.mean(rates["off"])
            print(
                f"\nthroughput sync on / off: {on / off:.2f} (goal >= 0.90; mean of {len(rates['on'])} round(s) each)"
            )
        if args.kill:
            report(run_round(args, base, "sync on, kill", sync=True, kill=True))
        print(f"machine load average at the end {os.getloadavg()[0]:.1f} (1 min)")


def _prepare_postgres(url: str) -> str:
    """Create the template database `load_prepared` beside the given one; returns its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(_driver(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for row in connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'load_%'")):
            connection.execute(text(f'DROP DATABASE "{row[0]}"'))
        connection.execute(text('CREATE DATABASE "load_prepared"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/load_prepared"


if __name__ == "__main__":
    main()
