"""A dupbench set (../shared/data/dupbench/*) loaded into a throwaway Shahrvand, for the benchmarks.

The corpus becomes real posts in a real database (one category per source category, one author), and
the index is built by the app's own `flask search rebuild` code; queries go to the app's own
similar-posts service (app.search.similar), which re-checks every answer against the database.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _shared_data() -> Path:
    """../shared/data beside the checkout (or beside its parent, for a worktree); BENCH_DATA overrides."""
    if os.environ.get("BENCH_DATA"):
        return Path(os.environ["BENCH_DATA"])
    places = [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
    return next((place for place in places if place.is_dir()), places[0])


DATA = _shared_data()
DEFAULT_SETS = DATA / "dupbench"


def require_set(set_dir: str | Path) -> Path:
    """The set's folder, or a clear message and exit status 2 when the shared data is not here."""
    path = Path(set_dir)
    if not (path / "queries.jsonl").exists():
        print(
            f"No dupbench set at {path}: the shared data (../shared/data/dupbench, see its README.md) is not "
            "on this machine. Nothing was measured.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return path


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists() and path.with_suffix(path.suffix + ".gz").exists():
        path = path.with_suffix(path.suffix + ".gz")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def moment(text: str | None) -> datetime | None:
    """An ISO time from the set as naive UTC (how the app stores times)."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


@dataclass
class Loaded:
    app: object
    post_of: dict[str, int]  # set id → post id
    set_id_of: dict[int, str]
    category_of: dict[str, int]  # set category → category id
    index_seconds: float
    workdir: Path
    index_cpu_seconds: float = float("nan")  # CPU of this process and its helper processes during the rebuild


def load(set_dir: Path, *, workdir: Path | None = None, backend: str = "whoosh") -> Loaded:
    """A fresh app in `workdir` holding the set's corpus as published posts, indexed.

    Given a `workdir` that already holds them (an earlier run with KEEP_BENCH=1), reuses them.
    backend "postgres": the posts go into a new database on the PostgreSQL server of BENCH_DATABASE_URL
    (or DATABASE_URL), dropped by cleanup(), and the search is PostgreSQL's.
    """
    from sqlalchemy import insert

    from app import create_app
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.core.cache import ensure_generation_row
    from app.extensions import db
    from app.posts.models import Category, Post, PostKind, PostStatus
    from app.search.backend import search_backend
    from app.search.pg.tables import create_tables as create_search_tables

    workdir = workdir or Path(tempfile.mkdtemp(prefix="dupbench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = f"sqlite:///{workdir / 'bench.sqlite3'}" if backend == "whoosh" else new_postgres_database()
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database,
            "SEARCH_BACKEND": backend,
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "PAGE_CACHE_SIZE": 0,
        }
    )
    corpus = read_jsonl(set_dir / "corpus.jsonl")
    post_of = {doc["id"]: number for number, doc in enumerate(corpus, 1)}
    if (workdir / "index").exists() and backend == "whoosh":
        with app.app_context():
            category_of = {c.name_en: c.id for c in db.session.scalars(db.select(Category))}
        return Loaded(app, post_of, {v: k for k, v in post_of.items()}, category_of, float("nan"), workdir)
    with app.app_context():
        db.create_all()
        create_search_tables(db.engine)  # PostgreSQL only
        ensure_generation_row()
        author = create_user(
            email="bench@example.org",
            display_name="Bench",
            password="bench-only-walnut-harbour-1405",
            role=Role.RESIDENT,
        )
        names = sorted({doc.get("category") or "none" for doc in corpus})
        categories = [Category(slug=f"c{i}", name_fa=n[:120], name_en=n[:120]) for i, n in enumerate(names)]
        db.session.add_all(categories)
        db.session.flush()
        category_of = {c.name_en: c.id for c in categories}
        rows = [
            {
                "id": number,
                "kind": PostKind.PROBLEM,
                "status": PostStatus.PUBLISHED,
                "is_listed": True,
                "title": (doc.get("title") or "")[:150],  # the column's length (PostgreSQL enforces it)
                "body": doc.get("body") or "",
                "category_id": category_of[(doc.get("category") or "none")[:120]],
                "author_id": author.id,
                "latitude": doc.get("lat"),
                "longitude": doc.get("lon"),
                "created_at": moment(doc.get("created")) or datetime(2020, 1, 1),
            }
            for number, doc in enumerate(corpus, 1)
        ]
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(Post), rows[start : start + 2000])
        db.session.commit()
        started, cpu = time.perf_counter(), _cpu_with_helpers()
        search_backend().rebuild()
        seconds, cpu = time.perf_counter() - started, _cpu_with_helpers() - cpu
    return Loaded(app, post_of, {v: k for k, v in post_of.items()}, category_of, seconds, workdir, cpu)


def _cpu_with_helpers() -> float:
    """CPU seconds of this process and of its finished child processes (a rebuild's helpers)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ask(loaded: Loaded, query: dict, *, full: bool, limit: int = 10):
    """The app's similar posts for one query (inside an app context): [(set id, SimilarItem)]."""
    from app.search.similar import similar_to_draft

    category = loaded.category_of.get((query.get("category") or "")[:120]) if full else None
    items = similar_to_draft(
        title=query.get("title") or "",
        body=query.get("body") or "",
        category_id=category,
        latitude=query.get("lat") if full else None,
        longitude=query.get("lon") if full else None,
        now=moment(query.get("created")) if full else None,
        timeless=not full,
        limit=limit,
    )
    return [(loaded.set_id_of[item.post.id], item) for item in items]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")


def postgres_server_url() -> str:
    """The PostgreSQL server the postgres runs use (BENCH_DATABASE_URL, else DATABASE_URL)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgresql", "postgres:")):
        print("The PostgreSQL runs need BENCH_DATABASE_URL=postgresql://… (a server where we may create databases).")
        raise SystemExit(2)
    return url.replace("postgresql://", "postgresql+psycopg://", 1).replace("postgres://", "postgresql+psycopg://", 1)


def new_postgres_database() -> str:
    """A new, empty database on that server for one load (cleanup drops it)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(postgres_server_url())
    name = f"dupbench_{os.getpid()}_{time.monotonic_ns()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(url) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    admin.dispose()


def cleanup(loaded: Loaded) -> None:
    from app.extensions import db

    with loaded.app.app_context():
        loaded.app.extensions["search_store"].close()
        url = db.engine.url
        db.engine.dispose()
    if url.get_backend_name() == "postgresql" and url.database.startswith("dupbench_"):
        _drop_database(url)
    if not os.environ.get("KEEP_BENCH"):
        import shutil

        shutil.rmtree(loaded.workdir, ignore_errors=True)
