"""A post page read for the first time (nothing of it kept) reads only its own rows: no statement
scans a table that grows with the city, or builds a temporary copy of a join of one.

Checked on SQLite's query plans (PostgreSQL gets the same statements; its planner is told by its own
statistics). A post's original (a duplicate's page) was once joined as `LEFT OUTER JOIN (post JOIN
category JOIN user)`, which SQLite materialised whole: every post, on every first view of a post."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Role
from app.extensions import db
from app.fixes import services as fixes
from app.moderation import workflow
from app.notifications.models import Notification
from app.posts.models import PostStatus
from app.posts.post_page import load_post
from tests.factories import index_what_factories_left

# Tables whose rows grow with the city (small ones — categories, departments, open flags — may be read whole).
GROWING = (
    "post",
    "comment",
    "vote",
    "follow",
    "status_change",
    "fix_question",
    "photo",
    "notification",
    "user",
    "flag",
    "post_embedding",
    "call_idea",
)


def _plans_of_every_select(client, url: str) -> list[tuple[str, list[str]]]:
    seen: list[tuple[str, object]] = []

    def record(_connection, _cursor, statement, parameters, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    index_what_factories_left()  # the factories' work, not the page's
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, (url, response.status_code)
    connection = db.session.connection()
    return [
        (statement, [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)])
        for statement, parameters in seen
    ]


def _reads_a_growing_table_whole(step: str) -> bool:
    if "MATERIALIZE" in step:
        return True
    words = step.split()
    return words[0] == "SCAN" and len(words) > 1 and words[1] in GROWING


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.MODERATOR, Role.STAFF, Role.ADMIN])
def test_a_post_page_seen_first_reads_no_growing_table_whole(app, client, auth, make, role):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    app.config.update(PAGE_CACHE_SIZE=0, FRAGMENT_CACHE_SIZE=0, READER_PAGE_CACHE_SIZE=0)  # every view a first one
    moderator = make.user(Role.MODERATOR)
    resolved = make.post(PostStatus.RESOLVED, latitude=36.2880, longitude=59.6150)
    fixes.confirm_fix(resolved, resolved.author)  # the timeline's "is it fixed?" counts
    original = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    repeat = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد دوباره")
    workflow.transition(repeat, "mark_duplicate", moderator, original=original)
    db.session.commit()
    top = make.comment(original)
    make.comment(original, parent=top)
    if role is not None:
        auth.login(make.user(role, department=resolved.department) if role is Role.STAFF else make.user(role))
    for post in (resolved, original, repeat):
        for statement, plan in _plans_of_every_select(client, f"/posts/{post.id}"):
            whole = [step for step in plan if _reads_a_growing_table_whole(step)]
            assert not whole, f"/posts/{post.id} ({role}): {whole}\n{statement}"


def test_a_duplicates_original_comes_with_its_author_and_category_in_the_same_query(make, count_queries):
    original = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد")
    repeat = make.post(title="پیاده‌روی شکسته در بلوار وکیل‌آباد دوباره")
    workflow.transition(repeat, "mark_duplicate", make.user(Role.MODERATOR), original=original)
    db.session.commit()
    expected = (original.id, original.title, original.author.display_name, original.category.slug)
    original_id, author_id, repeat_id = original.id, original.author_id, repeat.id
    db.session.close()  # a request's own session: nothing of these posts in it yet
    with count_queries() as statements:
        post = load_post(repeat_id)
        found = (post.duplicate_of.id, post.duplicate_of.title, post.duplicate_of.author.display_name)
        found += (post.duplicate_of.category.slug,)
    assert found == expected
    tables = [statement.split("FROM", 1)[1].split()[0] for statement in statements]
    assert tables.count("post") == 1, statements  # (and its photos' query, as for every post)
    alone = load_post(original_id)
    assert alone.duplicate_of is None and alone.author.id == author_id


def test_notifications_load_their_post_and_comment_with_the_authors(make):
    post = make.post()
    comment = make.comment(post)
    rows = db.session.scalars(select(Notification).where(Notification.post_id == post.id)).all()
    assert rows, "the author is told of the comment"
    db.session.expire_all()
    loaded = db.session.scalars(
        select(Notification)
        .where(Notification.post_id == post.id, Notification.comment_id == comment.id)
        .options(joinedload(Notification.post), joinedload(Notification.comment))
    ).all()
    assert [(n.post.title, n.post.author.id, n.comment.author.id) for n in loaded] == [
        (post.title, post.author_id, comment.author_id)
    ]
