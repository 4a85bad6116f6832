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
TIMELINE = ("actor_id", "actor_role", "action", "from_status", "to_status", "note", "department_id", "is_official")
QUESTION = ("user_id", "answer")
SPREAD = 0.004  # degrees (about 400 m): how far a copy's place moves from its template's, with `history`


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def scale_posts(db_url: str, size: int, seed: int = 1404, *, history: bool = False) -> list[int]:
    """Add posts until there are `size`; returns the ids of public (listed) posts.

    With `history`, each copy also gets its template's timeline (status changes, moved in time with
    it) and its "is it fixed?" answers, and its place moves a little, so that statistics and the map
    grow as a real city's would."""
    path = db_url.removeprefix("sqlite:///")
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    templates = connection.execute(f"SELECT id, {', '.join(COLUMNS)} FROM post").fetchall()
    timelines: dict[int, list[tuple]] = {}
    questions: dict[int, list[tuple]] = {}
    if history:
        for row in connection.execute(
            f"SELECT post_id, id, created_at, {', '.join(TIMELINE)} FROM status_change ORDER BY created_at, id"
        ):
            timelines.setdefault(row[0], []).append(row[1:])
        for row in connection.execute(f"SELECT resolution_id, {', '.join(QUESTION)} FROM fix_question"):
            questions.setdefault(row[0], []).append(row[1:])
    existing = len(templates)
    if size > existing:
        now = datetime.utcnow().replace(microsecond=0)
        first_id = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM post").fetchone()[0]
        change_id = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM status_change").fetchone()[0]
        rows, changes, asked = [], [], []
        for n in range(size - existing):
            template = rng.choice(templates)
            row = dict(zip(COLUMNS, template[1:], strict=True))
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
            if history:
                post_id = first_id + n
                if row["latitude"] is not None:
                    row["latitude"] = round(row["latitude"] + rng.uniform(-SPREAD, SPREAD), 6)
                    row["longitude"] = round(row["longitude"] + rng.uniform(-SPREAD, SPREAD), 6)
                moved = created - _moment(template[COLUMNS.index("created_at") + 1])
                for old_id, at, *values in timelines.get(template[0], []):
                    changes.append((change_id, post_id, (_moment(at) + moved).isoformat(sep=" "), *values))
                    for user_id, answer in questions.get(old_id, []):
                        asked.append((post_id, user_id, change_id, (_moment(at) + moved).isoformat(sep=" "), answer))
                    change_id += 1
            rows.append((first_id + n, *(row[c] for c in COLUMNS)))
        placeholders = ", ".join("?" for _ in ("id", *COLUMNS))
        with connection:
            connection.executemany(f"INSERT INTO post (id, {', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
            if history:
                names = ("id", "post_id", "created_at", *TIMELINE)
                connection.executemany(
                    f"INSERT INTO status_change ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                    changes,
                )
                connection.executemany(
                    "INSERT INTO fix_question (post_id, user_id, resolution_id, asked_at, answer, answered_at)"
                    " VALUES (?, ?, ?, ?, ?, CASE WHEN ?5 IS NULL THEN NULL ELSE ?4 END)",
                    asked,
                )
            connection.execute("UPDATE site_generation SET value = value + 1")
        connection.execute("ANALYZE")
    ids = [row[0] for row in connection.execute("SELECT id FROM post WHERE is_listed = 1 ORDER BY id")]
    connection.close()
    return ids
