"""Requests per second of the main pages against a bare route on the same gunicorn server.

Builds the demo city in a temporary instance folder, scales it to 1,000 and to 100,000 posts, serves
it with gunicorn (2 workers) and measures, with wrk when installed (else a Python client), the bare
`/healthz` route, the post list, a post page and the home page, for visitors and for a signed-in
resident; again while a background writer votes once and ten times a second; a post with one comment
against one with 1,000; and, in process (`cpu`), each page's CPU time against a bare `/healthz`, and
(`vote`) a vote's server time against a signed-in `/healthz`, as wall and as CPU time. Every
figure is printed as a ratio to the bare route measured in the same run, because these machines are
shared and noisy. Every page is visited a few times before the rounds (steady state); the cache-off
rounds (visitors' pages and signed-in parts alike) show what rendering costs.

    .venv/bin/python bench/pages.py [--seconds 5] [--sizes 1000,100000] [--writers 1,10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
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


BARE = "bare /healthz"


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

    ids = scale_posts(db_url, size)
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


def settle(port: int) -> None:
    """Wait until both workers are free: a slow page's requests still queued from the round before
    would otherwise eat the next round (a bare round of 0 requests)."""
    for _ in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/healthz")
        conn.getresponse().read()


def wrk_rps(port: int, paths: list[str], seconds: float, cookie: str | None = None) -> float:
    settle(port)
    quoted = ",".join(f'"{p}"' for p in paths)
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f"paths = {{{quoted}}}\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"
        )
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{max(1, round(seconds))}s", *header, "-s", script.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"errors while measuring {paths[:2]}:\n{out}")
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


def python_rps(port: int, paths: list[str], seconds: float, cookie: str | None = None) -> float:
    settle(port)
    done = [0]
    stop = time.time() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.time() < stop:
            conn.request("GET", random.choice(paths), headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status} on {paths[:2]}")
            done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds


def warm_up(port: int, paths: list[str], visits: int = 8, cookie: str | None = None) -> None:
    """Ask for every path `visits` times over 8 connections, so that both workers have (almost surely)
    rendered and cached each page once: the rounds then measure the steady state. The rounds with
    the page cache off show what rendering a page costs."""
    queue = [path for path in paths for _ in range(visits)]
    random.Random(0).shuffle(queue)
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status} on {path}")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


SIGNED_IN = "signed in: "  # targets whose name starts so are asked for with the resident's session


def note(message: str) -> None:
    """Progress, on stderr (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(
    port: int,
    targets: dict[str, list[str]],
    seconds: float,
    rounds: int,
    cookie: str | None = None,
    warm_visits: int = 8,
) -> dict[str, tuple[float, float]]:
    """Per target: (median req/s, median ratio to the bare route measured right before it).

    Bare and page runs alternate, round after round, so that load from other processes on this
    shared machine hits both sides of each ratio alike.
    """
    rps = wrk_rps if shutil.which("wrk") else python_rps

    def session(name: str) -> str | None:
        return cookie if name.startswith(SIGNED_IN) else None

    for name, paths in targets.items():  # long lists: fewer visits each (each worker still sees most pages)
        warm_up(port, paths, visits=warm_visits if len(paths) < 50 else min(warm_visits, 3), cookie=session(name))
    note("warmed up")
    bare_paths = targets[BARE]
    figures: dict[str, tuple[float, float]] = {}
    for name, paths in targets.items():
        if name == BARE:
            continue
        pairs = [(rps(port, bare_paths, seconds), rps(port, paths, seconds, session(name))) for _ in range(rounds)]
        figures[name] = (statistics.median(p for _, p in pairs), statistics.median(p / b for b, p in pairs if b))
        note(f"{name}: {figures[name][0]:.0f} req/s")
    figures[BARE] = (statistics.median(rps(port, bare_paths, seconds) for _ in range(rounds)), 1.0)
    return figures


class Writer:
    """A background process voting `rate` times a second (bench/participants.py)."""

    def __init__(self, instance: Path, rate: float):
        self.process = subprocess.Popen(
            [sys.executable, ROOT / "bench" / "participants.py", "writer", str(instance), str(rate)], cwd=ROOT
        )
        time.sleep(2)  # its app is up and voting

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def page_targets(ids: list[int], size: int, thread_ids: tuple[int, int]) -> dict[str, list[str]]:
    rng = random.Random(size)
    pages = [f"/posts/{i}" for i in rng.sample(ids, min(200, len(ids)))]
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
        "home page /": ["/"],
        SIGNED_IN + "post list /posts": ["/posts"],
        SIGNED_IN + "one post page": [f"/posts/{ids[0]}"],
        SIGNED_IN + "200 different post pages": pages,
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

    results: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    votes: dict[int, dict[str, tuple[float, float, float]]] = {}
    costs: dict[int, dict[str, tuple[float, float]]] = {}
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
    for size, figures in costs.items():
        print(f"\n{size:,} posts, in process, CPU time per request (share: bare /healthz CPU / page CPU):")
        for name, (ms, share) in figures.items():
            print(f"  {name:44s} {ms:8.2f} ms   {share:6.1%} of bare")
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
