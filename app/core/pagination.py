"""Page-number pagination that never counts the whole table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select

from app.extensions import db

MAX_PAGE = 10_000  # deeper pages are refused by clamping: a huge page number must not overflow OFFSET


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def paginate(query: Select, page: int, per_page: int) -> Page:
    """One page of a query, fetching one extra row to learn whether a next page exists."""
    page = min(max(1, page), MAX_PAGE)
    rows = db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(rows[:per_page]), number=page, per_page=per_page, has_next=len(rows) > per_page)


def requested_page(name: str = "page") -> int:
    """The page number the query string asks for (`?page=`), from 1 to MAX_PAGE; anything else is 1."""
    return min(max(request.args.get(name, 1, type=int), 1), MAX_PAGE)
