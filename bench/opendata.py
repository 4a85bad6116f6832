"""Open data exports at 100,000 posts: time and peak Python memory of streaming the CSV and JSON,
beside the peak of building the same JSON in one piece (what streaming avoids).

    .venv/bin/python bench/opendata.py [--posts 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    options = parser.parse_args()
    from sqlalchemy import insert

    from app import create_app
    from app.accounts.models import User
    from app.core.cache import ensure_generation_row
    from app.core.db import utcnow
    from app.departments.models import Department
    from app.extensions import db
    from app.posts.models import Category, Post

    folder = Path(tempfile.mkdtemp(prefix="opendata-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        ensure_generation_row()
        department = Department(slug="water", name_fa="آب", name_en="Water")
        category = Category(slug="leaks", name_fa="نشتی", name_en="Leaks", default_department=department)
        user = User(email="a@example.org", display_name="a", password_hash="x", session_token="x")
        db.session.add_all([department, category, user])
        db.session.flush()
        now = utcnow()
        rows = [
            {
                "kind": "problem",
                "status": "published",
                "title": f"لوله‌ی آب خیابان {n} ترکیده است",
                "body": "آب از دیروز در خیابان جاری است و کسی نیامده است. " * 4,
                "category_id": category.id,
                "author_id": user.id,
                "department_id": department.id,
                "is_listed": True,
                "created_at": now - timedelta(seconds=n),
                "updated_at": now,
                "last_activity_at": now,
                "published_at": now,
            }
            for n in range(options.posts)
        ]
        db.session.execute(insert(Post), rows)
        db.session.commit()
        del rows
    client = app.test_client()
    for fmt in ("csv", "json"):
        tracemalloc.start()
        started = time.perf_counter()
        size = 0
        with client.get(f"/open-data/posts.{fmt}") as response:
            for chunk in response.response:
                size += len(chunk)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"open-data {fmt:4} streamed: {options.posts} posts, {size / 1e6:.1f} MB in {elapsed:.1f} s, "
            f"peak Python memory {peak / 1e6:.1f} MB"
        )
    tracemalloc.start()
    with app.app_context():
        from app.api import opendata

        with app.test_request_context("/open-data/posts.json"):
            body = "".join(opendata.posts_json().response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"open-data json joined in one string (for comparison): {len(body) / 1e6:.1f} MB, "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
