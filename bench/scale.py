"""Scale the demo city to many posts, fast: copies of demo posts with new dates and counters."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta

from app.posts import hot

LISTED = ("published", "forwarded", "in_progress", "resolved", "declined")
COLUMNS = (
    "kind",
    "status",
    "title",
    "body",
    "category_id",
    "author_id",
    "address",
    "latitude",
    "longitude",
    "department_id",
    "is_hidden",
    "up_count",
    "down_count",
    "support",
    "comment_count",
    "duplicate_count",
    "hot_score",
    "is_listed",
    "created_at",
    "updated_at",
    "published_at",
    "last_activity_at",
)


def scale_posts(db_url: str, size: int, seed: int = 1404) -> list[int]:
    """Add posts until there are `size`; returns the ids of public (listed) posts."""
    path = db_url.removeprefix("sqlite:///")
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    templates = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM post").fetchall()
    existing = len(templates)
    if size > existing:
        now = datetime.utcnow().replace(microsecond=0)
        rows = []
        for n in range(size - existing):
            row = dict(zip(COLUMNS, rng.choice(templates), strict=True))
            created = now - timedelta(days=rng.uniform(0, 730), seconds=n)
            published = created + timedelta(hours=rng.uniform(1, 48))
            up = int(rng.paretovariate(1.3)) - 1
            down = int(up * rng.random() * 0.3) if row["kind"] == "idea" else 0
            listed = row["status"] in LISTED and not row["is_hidden"]
            row.update(
                title=f"{row['title']} ({n})"[:150],
                up_count=up,
                down_count=down,
                support=up - down,
                comment_count=0,
                duplicate_count=0,
                created_at=created.isoformat(sep=" "),
                updated_at=created.isoformat(sep=" "),
                published_at=published.isoformat(sep=" ") if row["status"] != "pending" else None,
                last_activity_at=published.isoformat(sep=" "),
                hot_score=hot.weight(published) * (1 + up - down),
                is_listed=int(listed),
            )
            rows.append(tuple(row[c] for c in COLUMNS))
        placeholders = ", ".join("?" for _ in COLUMNS)
        with connection:
            connection.executemany(f"INSERT INTO post ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
            connection.execute("UPDATE site_generation SET value = value + 1")
        connection.execute("ANALYZE")
    ids = [row[0] for row in connection.execute("SELECT id FROM post WHERE is_listed = 1 ORDER BY id")]
    connection.close()
    return ids
