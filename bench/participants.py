"""The people who take part, for bench/pages.py: a signed-in session, a long thread, a background
writer that votes at a steady rate, and a vote's server time measured in process.

    .venv/bin/python bench/participants.py writer INSTANCE RATE   (run by bench/pages.py)
"""

from __future__ import annotations

import http.client
import os
import random
import re
import sqlite3
import statistics
import sys
import time
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESIDENT = "resident1@shahrvand.local"
PASSWORD = "shahrvand-demo"


def sign_in(port: int, email: str = RESIDENT) -> str:
    """Sign in through the form as a browser does; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _session_cookie(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"sign-in failed: {response.status}")
    return _session_cookie(response)


def _session_cookie(response) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    raise RuntimeError("no session cookie")


def add_thread(db_path: Path, post_id: int, count: int) -> None:
    """Give a post `count` comments (a tenth of them replies), written straight into the database."""
    with sqlite3.connect(db_path) as db:
        authors = [row[0] for row in db.execute("SELECT id FROM user WHERE role = 'resident' ORDER BY id")]
        start = datetime(2026, 1, 1)
        top_ids: list[int] = []
        for n in range(count):
            parent = random.choice(top_ids) if top_ids and n % 10 == 9 else None
            cursor = db.execute(
                "INSERT INTO comment (post_id, author_id, parent_id, body, is_hidden, created_at) VALUES (?,?,?,?,0,?)",
                (
                    post_id,
                    authors[n % len(authors)],
                    parent,
                    f"دیدگاه شماره‌ی {n} دربارهٔ این مسئله",
                    start + timedelta(minutes=n),
                ),
            )
            if parent is None:
                top_ids.append(cursor.lastrowid)
        db.execute("UPDATE post SET comment_count = comment_count + ? WHERE id = ?", (count, post_id))
        db.execute("UPDATE site_generation SET value = value + 1")


def _app(instance: Path, **settings: str):
    for name, value in settings.items():
        os.environ[f"SHAHRVAND_{name}"] = value
    os.environ["DATABASE_URL"] = f"sqlite:///{instance / 'bench.sqlite3'}"
    os.environ["SHAHRVAND_INSTANCE_PATH"] = str(instance)
    from app import create_app

    return create_app()


def write_votes(instance: Path, rate: float) -> None:
    """Vote (or take a vote back) `rate` times a second on random open posts, as random residents, until killed."""
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    from app.accounts.models import Role, User
    from app.core.db import write_intent
    from app.extensions import db
    from app.posts.models import OPEN_STATUSES, Post
    from app.posts.votes import SUPPORT, VoteError, cast_vote

    app = _app(instance)
    rng = random.Random(7)
    with app.app_context():
        voters = db.session.scalars(select(User.id).where(User.role == Role.RESIDENT)).all()
        posts = db.session.scalars(
            select(Post.id).where(Post.status.in_(OPEN_STATUSES), Post.is_hidden.is_(False))
        ).all()
        db.session.rollback()
        next_at = time.monotonic()
        while True:
            try:
                with write_intent():  # as a web request that writes: SQLite's write lock taken up front
                    cast_vote(
                        db.session.get(User, rng.choice(voters)), db.session.get(Post, rng.choice(posts)), SUPPORT
                    )
                    db.session.commit()
            except (VoteError, OperationalError):  # not allowed, or the database busy past its timeout
                db.session.rollback()
            db.session.remove()
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.monotonic()))


def vote_cost(instance: Path, post_ids: list[int], repeats: int = 200) -> tuple[float, float, float]:
    """In process (Flask's test client, index sync on commit as configured): median ms of a vote, of a
    signed-in /healthz, and their ratio. The votes alternate support and taking it back."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db
    from app.posts.models import Post

    app = _app(instance, RATELIMIT_ENABLED="false")  # 60 votes a minute per account would refuse the rounds
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == RESIDENT))
        client = app.test_client()
        signed_in = client.post("/login", data={"email": RESIDENT, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.status_code
        mine = set(db.session.scalars(select(Post.id).where(Post.author_id == user.id)).all())
        targets = [i for i in post_ids if i not in mine][:20]
        db.session.remove()

        def timed(call) -> float:
            started = time.perf_counter()
            response = call()
            assert response.status_code in (200, 302), response.status_code
            return (time.perf_counter() - started) * 1000

        for _ in range(20):  # warm up both
            client.get("/healthz")
            client.post(f"/posts/{targets[0]}/vote", data={"value": "1"})
        health = [timed(lambda: client.get("/healthz")) for _ in range(repeats)]
        votes = [
            timed(lambda n=n: client.post(f"/posts/{targets[n % len(targets)]}/vote", data={"value": "1"}))
            for n in range(repeats)
        ]
    vote, healthz = statistics.median(votes), statistics.median(health)
    return vote, healthz, vote / healthz


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        write_votes(Path(sys.argv[2]), float(sys.argv[3]))
