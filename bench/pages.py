"""Requests per second of the main pages against a bare route on the same gunicorn server.

Builds the demo city in a temporary instance folder, scales it to 1,000 and to 100,000 posts, serves
it with gunicorn (2 workers) and measures, with wrk when installed (else a Python client), the bare
`/healthz` route, the post list, a post page and the home page, for visitors and for a signed-in
resident; again while a background writer votes once and ten times a second; a post with one comment
against one with 1,000; cold post pages (nothing of them kept: bench/post_pages.py); and, in
process (`cpu`), each page's CPU time against a bare `/healthz`, (`cold`) a cold post page's, and
(`vote`) a vote's server time against a signed-in `/healthz`, as wall and as CPU time. Every
figure is printed as a ratio to the bare route measured in the same run, because these machines are
shared and noisy. Every page is visited a few times right before its rounds (kept: steady state;
the 200 post pages are chosen so that none passes its clock step meanwhile); the cache-off rounds
(visitors' pages and signed-in parts alike) show what rendering costs.

    .venv/bin/python bench/pages.py [--seconds 5] [--sizes 1000,100000] [--writers 1,10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


BARE = "bare /healthz"
from bench.load_rounds import python_rps, warm_up, wrk_rps  # noqa: E402  (after the path is set)
from bench.post_pages import StepPages  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path, size: int) -> list[int]:
    """Migrate, seed the demo city, scale it to `size` posts and index them; returns ids of public posts."""
    env = os.environ | {"FLASK_APP": "app", "SHAHRVAND_INSTANCE_PATH": str(instance)}
    db_url = f"sqlite:///{instance / 'bench.sqlite3'}"
    env["DATABASE_URL"] = db_url
    subprocess.run([BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([BIN / "flask", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    note("demo city seeded")
    from bench.scale import scale_posts

    # With their timelines and "is it fixed?" answers, places spread: a post page reads what a real city's would.
    ids = scale_posts(db_url, size, history=True)
    note(f"scaled to {size:,} posts")
    # Post pages show similar posts from the search index: build it, as `make run` does.
    subprocess.run([BIN / "flask", "search", "rebuild"], env=env, cwd=ROOT, check=True, capture_output=True)
    note("index rebuilt")
    return ids


class Server:
    def __init__(self, instance: Path, cache: bool):
        self.port = free_port()
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
            "SHAHRVAND_INSTANCE_PATH": str(instance),
            "SHAHRVAND_PAGE_CACHE_SIZE": "4096" if cache else "0",
            "SHAHRVAND_FRAGMENT_CACHE_SIZE": "8192" if cache else "0",
        }
        self.process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "app:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                http.client.HTTPConnection("127.0.0.1", self.port, timeout=1).request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


SIGNED_IN = "signed in: "  # targets whose name starts so are asked for with the resident's session


def note(message: str) -> None:
    """Progress, on stderr (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


Target = list[str] | StepPages
TURNED: list[str] = []  # what was measured of pages kept while some of them passed their clock step


def measure(
    port: int,
    targets: dict[str, Target],
    seconds: float,
    rounds: int,
    cookie: str | None = None,
    warm_visits: int = 8,
) -> dict[str, tuple[float, float]]:
    """Per target: (median req/s, median ratio to the bare route measured right before it).

    Bare and page runs alternate, round after round, so that load from other processes on this
    shared machine hits both sides of each ratio alike. Each target is warmed up right before its
    rounds (kept pages last a clock step: warmed a minute earlier, they would be measured cold).
    """
    rps = wrk_rps if shutil.which("wrk") else python_rps

    def session(name: str) -> str | None:
        return cookie if name.startswith(SIGNED_IN) else None

    bare_paths = targets[BARE]
    warm_up(port, bare_paths, visits=warm_visits)
    figures: dict[str, tuple[float, float]] = {}
    for name, target in targets.items():
        if name == BARE:
            continue
        started = time.time()
        paths = target.paths() if isinstance(target, StepPages) else target
        fresh = isinstance(target, StepPages) and target.fresh
        # Both workers render each page once (8 visits: a page one of them missed would be measured cold).
        warm_up(port, paths, visits=warm_visits, cookie=session(name))
        pairs = [
            (rps(port, bare_paths, seconds), rps(port, paths, seconds, session(name), fresh)) for _ in range(rounds)
        ]
        figures[name] = (statistics.median(p for _, p in pairs), statistics.median(p / b for b, p in pairs if b))
        note(f"{name}: {figures[name][0]:.0f} req/s")
        if isinstance(target, StepPages) and (turned := target.turned(started, time.time())):
            TURNED.append(f"{name}: {turned} of {len(paths)} pages passed their clock step while measured")
    figures[BARE] = (statistics.median(rps(port, bare_paths, seconds) for _ in range(rounds)), 1.0)
    return figures


class Writer:
    """A background process voting `rate` times a second (bench/participants.py)."""

    def __init__(self, instance: Path, rate: float):
        self.process = subprocess.Popen(
            [sys.executable, ROOT / "bench" / "participants.py", "writer", str(instance), str(rate)], cwd=ROOT
        )
        time.sleep(2)  # its app is up and voting
        self.check()

    def check(self) -> None:
        """Figures "under writes" measured without a writer would be a lie: stop the bench instead."""
        if self.process.poll() is not None:
            raise SystemExit(f"the background writer stopped (exit {self.process.returncode}): see its error above")

    def stop(self) -> None:
        self.check()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def page_targets(ids: list[int], size: int, thread_ids: tuple[int, int]) -> dict[str, Target]:
    pages = StepPages(ids[3:], min(200, len(ids) - 3), seed=size)  # chosen when measured: kept through it
    cold = StepPages(ids[3:], min(200, len(ids) - 3), fresh=True, seed=size)
    one, thousand = thread_ids
    return {
        BARE: ["/healthz"],
        "post list /posts": ["/posts"],
        "post list, filters and pages": [
            f"/posts?sort={s}&page={p}" for s in ("newest", "supported", "hot") for p in (1, 2, 3)
        ]
        + [f"/posts?kind={k}" for k in ("problem", "idea")],
        "one post page": [f"/posts/{ids[0]}"],
        "200 different post pages": pages,
        "cold post page, as after a vote": cold,
        "home page /": ["/"],
        SIGNED_IN + "post list /posts": ["/posts"],
        SIGNED_IN + "one post page": [f"/posts/{ids[0]}"],
        SIGNED_IN + "200 different post pages": pages,
        SIGNED_IN + "cold post page, as after a vote": cold,
        SIGNED_IN + "home page /": ["/"],
        "post with 1 comment": [f"/posts/{one}"],
        "post with 1,000 comments": [f"/posts/{thousand}"],
        SIGNED_IN + "post with 1 comment": [f"/posts/{one}"],
        SIGNED_IN + "post with 1,000 comments": [f"/posts/{thousand}"],
    }


UNDER_WRITES = (
    "one post page",
    "200 different post pages",
    "post list /posts",
    "home page /",
    SIGNED_IN + "one post page",
    SIGNED_IN + "200 different post pages",
    SIGNED_IN + "post list /posts",
    SIGNED_IN + "home page /",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/page rounds per figure")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--writers", default="1,10", help="votes per second of the background writer ('' for none)")
    parser.add_argument("--parts", default="steady,writes,off,cpu,vote", help="what to measure (comma-separated)")
    parser.add_argument("--keep", help="prepare into (or reuse) this folder instead of a temporary one (one size)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rates = [float(r) for r in args.writers.split(",") if r]
    print(
        f"load generator: {'wrk -t2 -c16' if shutil.which('wrk') else 'python, 8 keep-alive connections'}; "
        f"gunicorn --workers 2; medians of {args.rounds} alternating bare/page rounds of {args.seconds:.0f} s"
    )
    from bench.participants import add_thread, page_cost, sign_in, vote_cost
    from bench.post_pages import cold_cost

    results: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    votes: dict[int, dict[str, tuple[float, float, float]]] = {}
    costs: dict[int, dict[str, tuple[float, float]]] = {}
    colds: dict[int, dict[str, tuple[float, float]]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="shahrvand-bench-") as folder:
            instance = Path(args.keep or folder)
            ids_file = instance / "bench-ids.json"
            if args.keep and ids_file.exists():
                ids = json.loads(ids_file.read_text())
            else:
                instance.mkdir(parents=True, exist_ok=True)
                note(f"preparing {size:,} posts")
                ids = prepare(instance, size)
                add_thread(instance / "bench.sqlite3", ids[1], 1)
                add_thread(instance / "bench.sqlite3", ids[2], 1000)
                ids_file.write_text(json.dumps(ids))
                note("prepared")
            thread_ids = (ids[1], ids[2])
            targets = page_targets(ids, size, thread_ids)
            parts = set(args.parts.split(","))
            for cache in (True, False):
                if not parts & ({"steady", "writes"} if cache else {"off"}):
                    continue
                server = Server(instance, cache)
                try:
                    cookie = sign_in(server.port)
                    if "steady" in parts or not cache:
                        results[(size, "on" if cache else "off")] = measure(
                            server.port, targets, args.seconds, args.rounds, cookie, warm_visits=8 if cache else 1
                        )
                    for rate in rates if cache and "writes" in parts else ():
                        writer = Writer(instance, rate)
                        try:
                            chosen = {name: targets[name] for name in (BARE, *UNDER_WRITES)}
                            results[(size, f"on, {rate:g} vote/s")] = measure(
                                server.port, chosen, args.seconds, args.rounds, cookie
                            )
                        finally:
                            writer.stop()
                finally:
                    server.stop()
            if "cpu" in parts:
                costs[size] = page_cost(instance, ids)
            if "cold" in parts:
                colds[size] = cold_cost(instance, ids)
            if "vote" in parts:
                try:
                    votes[size] = vote_cost(instance, ids)
                except Exception as error:  # print what was measured anyway
                    note(f"the vote's cost was not measured: {error!r}")
    for (size, mode), figures in results.items():
        print(f"\n{size:,} posts, caches {mode}:")
        for name, (value, ratio) in figures.items():
            print(f"  {name:44s} {value:8.0f} req/s   {ratio:6.1%} of bare")
    print("\nlong threads (throughput with 1,000 comments as a share of that with 1):")
    for (size, mode), figures in results.items():
        for who in ("", SIGNED_IN):
            if who + "post with 1 comment" in figures:
                share = figures[who + "post with 1,000 comments"][1] / figures[who + "post with 1 comment"][1]
                print(f"  {size:,} posts, caches {mode:3s} {who or 'visitor: ':12s} {share:6.1%}")
    for line in TURNED:
        print(f"  (kept pages: {line})")
    for size, figures in costs.items():
        print(f"\n{size:,} posts, in process, CPU time per request (share: bare /healthz CPU / page CPU):")
        for name, (ms, share) in figures.items():
            print(f"  {name:44s} {ms:8.2f} ms   {share:6.1%} of bare")
    for size, figures in colds.items():
        print(f"\n{size:,} posts, cold post pages in process, CPU time, medians of 40 posts (share of bare as above):")
        for name, (ms, share) in figures.items():
            print(f"  {name:50s} {ms:8.2f} ms   {share:6.1%} of bare")
    if len(colds) > 1:
        (small, low), (large, high) = min(colds.items()), max(colds.items())
        print(f"\na cold post page's CPU at {large:,} posts against {small:,}:")
        for name in high:
            if name != BARE:
                print(f"  {name:50s} {high[name][0] / low[name][0]:6.2f}x")
    print("\na vote's server time, in process (index sync on commit, bounded), against a signed-in /healthz")
    print("(which loads the user too: the language follows the account) and a bare route that reads the user:")
    for size, measured in votes.items():
        for kind, (vote, healthz, whoami) in measured.items():
            print(
                f"  {size:,} posts, {kind:4s}: vote {vote:.2f} ms, signed-in /healthz {healthz:.2f} ms: "
                f"{vote / healthz:.1f}x; signed-in user's id {whoami:.2f} ms: {vote / whoami:.1f}x"
            )
    small, large = sizes[0], sizes[-1]
    compared = [mode for mode in ("on", "off") if (small, mode) in results and (large, mode) in results]
    if len(sizes) > 1 and compared:  # (only the parts measured with wrk)
        print(f"\nthroughput at {large:,} posts as a share of that at {small:,} (each relative to bare):")
        for mode in compared:
            for name, (_value, ratio) in results[(large, mode)].items():
                if name != BARE:
                    share = ratio / results[(small, mode)][name][1]
                    print(f"  caches {mode:3s} {name:44s} {share:6.1%}")


if __name__ == "__main__":
    main()
