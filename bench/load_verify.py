"""After a round of bench/load.py: is every acknowledged write there exactly once, are counters and
the index in step with the rows? Returns the lines to print."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

DRAIN_WAIT = 120  # seconds the worker gets to drain the queue


def verify(env: dict, residents: list, flask) -> list[str]:
    url = env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    lines = []
    with engine.connect() as connection:
        users = dict(connection.execute(text('SELECT email, id FROM "user"')).all())
        held = {
            (user_id, post_id): value
            for user_id, post_id, value in connection.execute(text("SELECT user_id, post_id, value FROM vote"))
        }
        comment_counts = dict(connection.execute(text("SELECT body, count(*) FROM comment GROUP BY body")).all())
        post_counts = dict(connection.execute(text("SELECT title, count(*) FROM post GROUP BY title")).all())
    votes_checked = vote_errors = comments = comment_errors = posts = post_errors = unknown = 0
    for resident in residents:
        user_id = users[resident.email]
        for post_id, value in resident.votes.items():
            if post_id in resident.unknown_votes:
                continue
            votes_checked += 1
            stored = held.get((user_id, post_id), 0)
            vote_errors += stored != value
        for _post_id, body in resident.comments:
            comments += 1
            comment_errors += comment_counts.get(body, 0) != 1
        for title in resident.posts:
            posts += 1
            post_errors += post_counts.get(title, 0) != 1
        unknown += len(resident.unknown) + len(resident.unknown_votes)
        for token in resident.unknown:  # sent without an answer: there at most once
            post_errors += post_counts.get(token, 0) > 1
            comment_errors += comment_counts.get(token, 0) > 1
    engine.dispose()
    lines.append(
        f"acknowledged writes: {votes_checked} votes held or taken back ({vote_errors} wrong),"
        f" {comments} comments ({comment_errors} missing or doubled), {posts} posts ({post_errors} missing or"
        f" doubled); {unknown} writes without an answer (each there at most once)"
    )
    recount = flask(env, "posts", "recount", "--check", check=False)
    lines.append(f"flask posts recount --check: exit {recount.returncode}: {recount.stdout.strip().splitlines()[-1]}")
    started = time.monotonic()
    while True:
        check = flask(env, "search", "check", check=False)
        if check.returncode == 0 or time.monotonic() - started > DRAIN_WAIT:
            break
        time.sleep(1)
    summary = " ".join(line for line in check.stdout.strip().splitlines() if not line.startswith("Index"))
    waited = time.monotonic() - started
    lines.append(f"flask search check after the worker drained ({waited:.0f} s): exit {check.returncode}: {summary}")
    return lines
