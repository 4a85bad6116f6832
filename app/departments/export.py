"""CSV export of a department's posts for a date range (opens cleanly in Excel and LibreOffice).

Column names stay the same in every language (programs read them); category and department names are
written in the language of the page that asked for the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.urls import absolute_url
from app.core.web import localized
from app.departments.models import Assignment, Department
from app.departments.services import first_responses
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import Category, Post

MAX_YEARS = 5
DEFAULT_DAYS = 30  # with no dates typed: the last 30 days, today included
MAX_DAYS = 366 * MAX_YEARS  # bounds the work of one request
COLUMNS = (
    "id",
    "url",
    "kind",
    "status",
    "title",
    "category",
    "department",
    "address",
    "latitude",
    "longitude",
    "support",
    "up_votes",
    "down_votes",
    "comments",
    "created_at_utc",
    "forwarded_at_utc",
    "first_response_at_utc",
    "closed_at_utc",
    "assignee",
    "last_public_note",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text a spreadsheet shows as text: no formula injection from residents' titles."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not isinstance(value, int | float) else text


BATCH = 500  # posts read, looked up and written at a time: memory stays flat however many there are


def export_posts(department: Department, start: date, end: date) -> Iterator[str]:
    """Posts of the department reported from `start` to `end` (both days included), as pieces of
    CSV text to stream: posts are read BATCH at a time as plain columns, each batch's timelines,
    assignees and notes in three queries. Names are put in the request's language here; the rows are
    read when the response is sent (after the request), on a connection of the stream's own."""
    since = datetime.combine(start, time.min)
    until = datetime.combine(end + timedelta(days=1), time.min)
    categories = {category.id: localized(category) for category in db.session.scalars(select(Category))}
    department_name = localized(department)
    link = absolute_url("posts.show", post_id=0).removesuffix("0")  # built once, not per row
    query = (
        select(
            Post.id,
            Post.kind,
            Post.status,
            Post.title,
            Post.category_id,
            Post.address,
            Post.latitude,
            Post.longitude,
            Post.support,
            Post.up_count,
            Post.down_count,
            Post.comment_count,
            Post.created_at,
        )
        .where(Post.department_id == department.id, Post.created_at >= since, Post.created_at < until)
        .order_by(Post.created_at, Post.id)
        .execution_options(yield_per=BATCH)
    )
    engine = db.engine

    def generate() -> Iterator[str]:
        with engine.connect() as connection, Session(bind=connection) as session:
            yield from _write(session, query, categories, department_name, link)

    return generate()


def _write(session: Session, query, categories: dict[int, str], department_name: str, link: str) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")  # Excel reads UTF-8 (Persian) only with a byte-order mark
    writer.writerow(COLUMNS)
    for posts in session.execute(query).partitions():
        ids = [post.id for post in posts]
        facts = first_responses(ids, session)
        assignees, last_notes = _assignees(session, ids), _last_public_notes(session, ids)
        for post in posts:
            fact = facts.get(post.id, {})
            writer.writerow(
                _cell(v)
                for v in (
                    post.id,
                    f"{link}{post.id}",
                    post.kind.value,
                    post.status.value,
                    post.title,
                    categories.get(post.category_id),
                    department_name,
                    post.address,
                    post.latitude,
                    post.longitude,
                    post.support,
                    post.up_count,
                    post.down_count,
                    post.comment_count,
                    post.created_at,
                    fact.get("forwarded_at"),
                    fact.get("first_response_at"),
                    fact.get("closed_at"),
                    assignees.get(post.id),
                    last_notes.get(post.id),
                )
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _assignees(session: Session, post_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(Assignment.post_id, User.display_name)
        .join(User, User.id == Assignment.assignee_id)
        .where(Assignment.post_id.in_(post_ids))
    )
    return dict(rows.all())


def _last_public_notes(session: Session, post_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(StatusChange.post_id, StatusChange.note)
        .where(StatusChange.post_id.in_(post_ids), StatusChange.note.is_not(None))
        .order_by(StatusChange.post_id, StatusChange.created_at, StatusChange.id)
    )
    return dict(rows.all())  # ordered by time: the last note per post wins
