"""Open data: every public post as CSV or JSON, streamed row by row (no personal data: no author,
no e-mail, no reporter details), filterable by date, category and department."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from app.core.i18n import negotiates_language
from app.core.urls import absolute_url
from app.departments.models import Department
from app.extensions import db, limiter
from app.posts.models import PUBLIC_STATUSES, Category, Post

bp = negotiates_language(Blueprint("opendata", __name__, url_prefix="/open-data"))
COLUMNS = (
    "id",
    "url",
    "kind",
    "status",
    "title",
    "body",
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
    "published_at_utc",
)
BATCH = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _day(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def _slug_id(model, name: str) -> int | None:
    slug = request.args.get(name, "").strip()
    if not slug:
        return None
    found = db.session.scalar(select(model.id).where(model.slug == slug[:60]))
    if found is None:
        abort(400)
    return found


def _query() -> Select:
    """Public posts matching the request's filters, oldest first, as plain columns (never the ORM
    objects: their eager-loaded author and photos would cost memory and show personal data)."""
    since, until = _day("from"), _day("to")
    category_id, department_id = _slug_id(Category, "category"), _slug_id(Department, "department")
    dept = aliased(Department)
    query = (
        select(
            Post.id,
            Post.kind,
            Post.status,
            Post.title,
            Post.body,
            Category.slug.label("category"),
            dept.slug.label("department"),
            Post.address,
            Post.latitude,
            Post.longitude,
            Post.support,
            Post.up_count,
            Post.down_count,
            Post.comment_count,
            Post.created_at,
            Post.published_at,
        )
        .join(Category, Post.category_id == Category.id)
        .outerjoin(dept, Post.department_id == dept.id)
        .where(Post.status.in_(PUBLIC_STATUSES), Post.is_hidden.is_(False))
        .order_by(Post.created_at, Post.id)
    )
    if since is not None:
        query = query.where(Post.created_at >= datetime.combine(since, time.min))
    if until is not None:
        query = query.where(Post.created_at < datetime.combine(until + timedelta(days=1), time.min))
    if category_id is not None:
        query = query.where(Post.category_id == category_id)
    if department_id is not None:
        query = query.where(Post.department_id == department_id)
    return query


def _rows(connection, query: Select, link: str) -> Iterator[dict]:
    for row in connection.execute(query.execution_options(yield_per=BATCH)):
        yield {
            "id": row.id,
            "url": f"{link}{row.id}",
            "kind": row.kind.value,
            "status": row.status.value,
            "title": row.title,
            "body": row.body,
            "category": row.category,
            "department": row.department,
            "address": row.address,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "support": row.support,
            "up_votes": row.up_count,
            "down_votes": row.down_count,
            "comments": row.comment_count,
            "created_at_utc": _stamp(row.created_at),
            "published_at_utc": _stamp(row.published_at) if row.published_at else None,
        }


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _streamed(query: Select, write) -> Iterator[str]:
    """The rows through `write`, read on a connection of their own: the generator runs after the
    request has ended (no app context, no request session) and closes its connection when done."""
    engine = db.engine
    link = absolute_url("posts.show", post_id=0).removesuffix("0")  # built once, not per row

    def generate() -> Iterator[str]:
        with engine.connect() as connection:
            yield from write(_rows(connection, query, link))

    return generate()


def _cell(value) -> str:
    """Text a spreadsheet shows as text: no formula injection from residents' titles."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def _limit() -> str:
    return current_app.config["OPEN_DATA_RATE_LIMIT"]


@bp.get("/posts.csv")
@limiter.limit(_limit)
def posts_csv():
    query = _query()

    def write(rows) -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        out.write("\ufeff")  # Excel reads UTF-8 (Persian) only with a byte-order mark
        writer.writerow(COLUMNS)
        for number, row in enumerate(rows, 1):
            writer.writerow(_cell(row[column]) for column in COLUMNS)
            if number % 200 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    headers = {"Content-Disposition": "attachment; filename=shahrvand-posts.csv"}
    return Response(_streamed(query, write), content_type="text/csv; charset=utf-8", headers=headers)


@bp.get("/posts.json")
@limiter.limit(_limit)
def posts_json():
    query = _query()

    def write(rows) -> Iterator[str]:
        yield "["
        for number, row in enumerate(rows):
            yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]\n"

    return Response(_streamed(query, write), content_type="application/json; charset=utf-8")
