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
HTMX = {"HX-Request": "true"}


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


def vote_cost(instance: Path, post_ids: list[int], repeats: int = 200) -> dict[str, tuple[float, float, float]]:
    """In process (Flask's test client, index sync on commit as configured): median ms of a vote, of a
    signed-in /healthz, and of a bare route that reads the signed-in user (added here), as wall time
    and as CPU time of this thread ({"wall": (vote, healthz, whoami), "cpu": (…)}; SQLite runs in this
    thread too). On a machine with more runnable processes than cores, a request longer than the
    scheduler's slice waits for the others: wall times then grow by steps, CPU times do not. The votes
    alternate support and taking it back; the three are measured in turn, so that load from other
    processes hits them alike. Each request has its own database session, as in a server (inside one
    app context the session, and so the signed-in user, would carry over from request to request)."""
    from flask_login import current_user
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db
    from app.posts.models import OPEN_STATUSES, Post

    app = _app(instance, RATELIMIT_ENABLED="false")  # 60 votes a minute per account would refuse the rounds
    app.config["WTF_CSRF_ENABLED"] = False
    app.add_url_rule("/bench/whoami", "bench_whoami", lambda: str(current_user.id))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == RESIDENT))
        open_to_vote = select(Post.id).where(
            Post.author_id != user.id, Post.status.in_(OPEN_STATUSES), Post.is_hidden.is_(False)
        )
        votable = set(db.session.scalars(open_to_vote).all())  # a refused vote would be measured otherwise
        targets = [i for i in post_ids if i in votable][:20]
        db.session.remove()
    client = app.test_client()
    signed_in = client.post("/login", data={"email": RESIDENT, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code

    def vote(n: int):  # as the page's button does (htmx): the widget comes back
        return client.post(f"/posts/{targets[n % len(targets)]}/vote", data={"value": "1"}, headers=HTMX)

    def timed(call) -> tuple[float, float]:
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = call()
        cpu, wall = time.thread_time() - started_cpu, time.perf_counter() - started
        assert response.status_code == 200, response.status_code  # (a refused vote answers 422)
        return wall * 1000, cpu * 1000

    for _ in range(20):  # warm up all three
        client.get("/healthz"), client.get("/bench/whoami")
        vote(0)
    health, whoami, votes = [], [], []
    for n in range(repeats):
        health.append(timed(lambda: client.get("/healthz")))
        whoami.append(timed(lambda: client.get("/bench/whoami")))
        votes.append(timed(lambda n=n: vote(n)))
    return {
        kind: tuple(statistics.median(t[i] for t in times) for times in (votes, health, whoami))
        for i, kind in enumerate(("wall", "cpu"))
    }


def signed_in_client(instance: Path):
    """A test client of an app on the bench's city (rate limits off) that keeps no cookies, and the
    session cookie of the bench's resident, signed in through the form and sent as it was set (as
    wrk sends it)."""
    app = _app(instance, RATELIMIT_ENABLED="false")
    app.config["WTF_CSRF_ENABLED"] = False
    signing_in = app.test_client()
    assert signing_in.post("/login", data={"email": RESIDENT, "password": PASSWORD}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    cookie = {"Cookie": f"session={signing_in.get_cookie('session').value}"}
    return app.test_client(use_cookies=False), cookie


def page_cost(instance: Path, post_ids: list[int], repeats: int = 150) -> dict[str, tuple[float, float]]:
    """In process, CPU time of this thread (SQLite runs in it too): median ms of each page, asked in
    turn, and its cost as a share of a bare /healthz without a session (bare ms / page ms, what its
    throughput would be on a server that did nothing else). Signed in as the bench's resident through
    the form, with the session cookie sent as it was set at sign-in (as wrk sends it)."""
    client, cookie = signed_in_client(instance)
    one, thread_of_1, thread_of_1000 = post_ids[0], post_ids[1], post_ids[2]
    pages = {
        "bare /healthz": ("/healthz", {}),
        "signed in: /healthz": ("/healthz", cookie),
        "signed in: one post page": (f"/posts/{one}", cookie),
        "signed in: post list /posts": ("/posts", cookie),
        "signed in: home page /": ("/", cookie),
        "signed in: post with 1 comment": (f"/posts/{thread_of_1}", cookie),
        "signed in: post with 1,000 comments": (f"/posts/{thread_of_1000}", cookie),
        "one post page": (f"/posts/{one}", {}),
        "post with 1,000 comments": (f"/posts/{thread_of_1000}", {}),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for n in range(repeats + 5):  # the first five warm up
        for name, (path, headers) in pages.items():
            started = time.thread_time()
            response = client.get(path, headers=headers)
            if n >= 5:
                times[name].append((time.thread_time() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    bare = statistics.median(times["bare /healthz"])
    return {name: (statistics.median(values), bare / statistics.median(values)) for name, values in times.items()}


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        write_votes(Path(sys.argv[2]), float(sys.argv[3]))
