"""What grows with the city, at 1,000 and 100,000 posts in one run: the statistics page, the city
map's pins, and the CSV and open-data exports.

The demo city is seeded once and scaled by copies of its posts with their timelines and "is it
fixed?" answers (bench/scale.py, `history`), each copy a little away from its template's place.
Everything runs in this process through the app's test client (no server): times are wall medians of
a few requests (CPU time of this thread, and wall time), beside a bare `/healthz` asked the same way
in the same run; memory is tracemalloc's peak while a whole export is read (which slows it: the
export times are tracemalloc's).

  statistics  the page rendered after a public write (its figures computed: what a write costs) and
              rendered again with nothing changed (a signed-in resident; visitors get the page cache)
  map         the city map's JSON city-wide (the first view) and at street level, with the number of
              posts it accounts for against the located public posts that match
  exports     a department's CSV (five years, the department with most posts) and the open-data
              CSV and JSON (every public post): time, size, peak Python memory

    .venv/bin/python bench/growth.py [--sizes 1000,100000] [--parts statistics,map,exports] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

CITY_WIDE = {"zoom": 12, "bbox": "59.40,36.19,59.74,36.43"}  # the map's first view: all of Mashhad
STREET = {"zoom": 17, "bbox": "59.6020,36.2860,59.6120,36.2920"}  # about the shrine's streets


def note(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def demo(folder: Path) -> Path:
    """The demo city, seeded once (kept under `folder`)."""
    base = folder / "demo"
    if not (base / "bench.sqlite3").exists():
        base.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "FLASK_APP": "app",
            "SHAHRVAND_INSTANCE_PATH": str(base),
            "DATABASE_URL": f"sqlite:///{base / 'bench.sqlite3'}",
        }
        note("seeding the demo city")
        subprocess.run([BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([BIN / "flask", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    return base


def city(folder: Path, size: int) -> Path:
    """A copy of the demo city scaled to `size` posts (kept under `folder`)."""
    instance = folder / f"city-{size}"
    if not (instance / "bench.sqlite3").exists():
        shutil.copytree(demo(folder), instance, dirs_exist_ok=True)
        env = os.environ | {
            "FLASK_APP": "app",
            "SHAHRVAND_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
        }
        subprocess.run([BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        from bench.scale import scale_posts

        note(f"scaling to {size} posts")
        scale_posts(f"sqlite:///{instance / 'bench.sqlite3'}", size, history=True)
    return instance


def make_app(instance: Path, page_cache: bool = False):
    from app import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.sqlite3'}",
            "SEARCH_INDEX_DIR": str(instance / "search-index"),
            "UPLOAD_DIR": str(instance / "uploads"),
            "SEARCH_BACKEND": "whoosh",
            "SEARCH_EMBEDDINGS": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "PAGE_CACHE_SIZE": 512 if page_cache else 0,
        }
    )


def bump_site(app) -> None:
    """A public write, as a status move makes: every cached page and figure is stale after it."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        db.session.execute(text("UPDATE site_generation SET value = value + 1 WHERE id = 1"))
        db.session.commit()


def timed(client, path: str, rounds: int, before=None) -> tuple[float, int, float]:
    """(median CPU ms of `rounds` requests, bytes of the last, median wall ms); `before()` runs
    untimed before each. CPU time of this thread: the machine is shared, wall times are noisy."""
    cpu, wall, size = [], [], 0
    for _ in range(rounds):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        body = response.get_data()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} on {path}")
        size = len(body)
    return statistics.median(cpu), size, statistics.median(wall)


def sign_in(client, email: str) -> None:
    from app.demo.seed import DEMO_PASSWORD as PASSWORD

    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed for {email}: {response.status_code}")


def bare(client, rounds: int) -> float:
    return timed(client, "/healthz", rounds)[0]  # CPU ms


def statistics_page(instance: Path, rounds: int) -> dict:
    app = make_app(instance, page_cache=True)  # signed in: no page cache, but the figures' own
    client = app.test_client()
    sign_in(client, "resident1@shahrvand.local")
    client.get("/statistics")  # templates compiled, connections opened
    cold, size, cold_wall = timed(client, "/statistics", rounds, before=lambda: bump_site(app))
    warm, _, warm_wall = timed(client, "/statistics", rounds)
    figures = {"cold": cold, "warm": warm, "bytes": size, "bare": bare(client, rounds * 3)}
    figures |= {"cold wall": cold_wall, "warm wall": warm_wall}
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    return figures


def map_json(instance: Path, rounds: int) -> dict:
    from urllib.parse import urlencode

    from sqlalchemy import func, select

    from app.extensions import db
    from app.posts.models import Post

    app = make_app(instance)
    client = app.test_client()
    with app.app_context():
        located = db.session.scalar(select(func.count()).where(Post.is_listed.is_(True), Post.latitude.is_not(None)))
    figures = {"located": located, "bare": bare(client, rounds * 3)}
    for name, view in (("city-wide", CITY_WIDE), ("street", STREET)):
        path = f"/map/pins.json?{urlencode(view)}"
        client.get(path)
        ms, size, wall = timed(client, path, rounds, before=lambda: bump_site(app))
        data = client.get(path).get_json()
        counted = len(data.get("pins", ())) + sum(c["count"] for c in data.get("clusters", ()))
        figures[name] = {
            "ms": ms,
            "wall": wall,
            "bytes": size,
            "counted": counted,
            "markers": len(data.get("pins", ())) + len(data.get("clusters", ())),
        }
    with app.app_context():
        db.engine.dispose()
    return figures


def read_whole(client, path: str) -> tuple[float, int, float]:
    """(seconds, bytes, peak MB of Python memory) to read the whole response, as a client would."""
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    with client.get(path) as response:
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} on {path}")
        for chunk in response.response:
            size += len(chunk)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, size, peak / 1e6


def exports(instance: Path) -> dict:
    from sqlalchemy import func, select

    from app.departments.models import Department
    from app.extensions import db
    from app.posts.models import Post

    app = make_app(instance)
    with app.app_context():
        slug, count = db.session.execute(
            select(Department.slug, func.count(Post.id))
            .join(Post, Post.department_id == Department.id)
            .group_by(Department.id)
            .order_by(func.count(Post.id).desc())
            .limit(1)
        ).one()
    client = app.test_client()
    sign_in(client, f"staff-{slug}@shahrvand.local")
    figures = {}
    start = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 5 * 365 * 86400))
    for name, path in (
        (f"department CSV ({count} posts of {slug})", f"/departments/{slug}/export.csv?start={start}"),
        ("open-data CSV", "/open-data/posts.csv"),
        ("open-data JSON", "/open-data/posts.json"),
    ):
        figures[name] = read_whole(client, path)
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--parts", default="statistics,map,exports")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", help="a folder to keep the scaled cities in, and to reuse them from")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    parts = set(args.parts.split(","))
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="growth-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        cities = {size: city(folder, size) for size in sizes}
        first = sizes[0]
        if "statistics" in parts:
            found = {size: statistics_page(cities[size], args.rounds) for size in sizes}
            for size in sizes:
                f, base = found[size], found[first]
                print(
                    f"statistics n={size:>6}: after a write CPU {f['cold']:7.1f} ms ({f['cold'] / base['cold']:5.2f}x "
                    f"n={first}), nothing changed {f['warm']:6.1f} ms ({f['warm'] / base['warm']:5.2f}x), "
                    f"bare {f['bare']:.2f} ms | wall {f['cold wall']:.0f} / {f['warm wall']:.0f} ms | "
                    f"page {f['bytes'] / 1000:.0f} kB"
                )
        if "map" in parts:
            found = {size: map_json(cities[size], args.rounds) for size in sizes}
            for size in sizes:
                for view in ("city-wide", "street"):
                    f, base = found[size][view], found[first][view]
                    print(
                        f"map {view:9} n={size:>6}: CPU {f['ms']:6.1f} ms ({f['ms'] / base['ms']:5.2f}x n={first}), "
                        f"wall {f['wall']:.0f} ms, "
                        f"{f['bytes'] / 1000:6.1f} kB, {f['markers']:5} markers for {f['counted']:6} posts "
                        f"(located public posts in the city: {found[size]['located']}), "
                        f"bare {found[size]['bare']:.2f} ms"
                    )
        if "exports" in parts:
            for size in sizes:
                for name, (seconds, size_bytes, peak) in exports(cities[size]).items():
                    print(
                        f"export n={size:>6} {name}: {size_bytes / 1e6:6.1f} MB in {seconds:5.1f} s, "
                        f"peak Python memory {peak:6.1f} MB"
                    )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
