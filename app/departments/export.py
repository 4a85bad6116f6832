"""CSV export of a department's posts for a date range (opens cleanly in Excel and LibreOffice).

Column names stay the same in every language (programs read them); category and department names are
written in the language of the page that asked for the file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.core.urls import absolute_url
from app.core.web import localized
from app.departments.models import Department
from app.departments.services import assignments, first_responses
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import Post

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


def export_posts(department: Department, start: date, end: date) -> str:
    """Posts of the department reported from `start` to `end` (both days included), as CSV text."""
    since = datetime.combine(start, time.min)
    until = datetime.combine(end + timedelta(days=1), time.min)
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.department_id == department.id, Post.created_at >= since, Post.created_at < until)
            .order_by(Post.created_at, Post.id)
        )
    )
    ids = [post.id for post in posts]
    facts = first_responses(ids)
    assigned = assignments(ids)
    last_notes = _last_public_notes(ids)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Persian) only with a byte-order mark
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for post in posts:
        fact = facts.get(post.id, {})
        assignment = assigned.get(post.id)
        writer.writerow(
            _cell(v)
            for v in (
                post.id,
                absolute_url("posts.show", post_id=post.id),
                post.kind.value,
                post.status.value,
                post.title,
                localized(post.category),
                localized(department),
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
                assignment.assignee.display_name if assignment else None,
                last_notes.get(post.id),
            )
        )
    return out.getvalue()


def _last_public_notes(post_ids: list[int]) -> dict[int, str]:
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(StatusChange.post_id, StatusChange.note)
        .where(StatusChange.post_id.in_(post_ids), StatusChange.note.is_not(None))
        .order_by(StatusChange.post_id, StatusChange.created_at, StatusChange.id)
    )
    return dict(rows.all())  # ordered by time: the last note per post wins
