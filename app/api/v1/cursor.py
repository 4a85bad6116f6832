"""Cursor pagination: the last row's sort key, opaque to clients, so pages never shift or repeat."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, tuple_

from app.api.v1.errors import ApiError
from app.core.db import ID_MAX
from app.extensions import db


def encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, kinds: tuple[type, ...]) -> list:
    """The key values in a cursor, checked against the expected types (a 400 for anything else)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError(cursor)
        values = []
        for value, kind in zip(raw, kinds, strict=True):
            if kind is datetime:
                values.append(datetime.fromisoformat(value))
            elif kind is float and isinstance(value, int | float) and not isinstance(value, bool):
                values.append(float(value))
            elif kind is int and isinstance(value, int) and not isinstance(value, bool) and abs(value) <= ID_MAX:
                values.append(value)
            else:
                raise ValueError(cursor)
        return values
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(400, _("This cursor is not valid."), fields={"cursor": [_("Not valid.")]}) from error


def page(query: Select, columns: tuple, cursor: str | None, limit: int, *, descending: bool = True):
    """One page of `query` ordered by `columns` (all descending, or all ascending), after `cursor`.
    Returns (rows, next_cursor)."""
    kinds = tuple(column.type.python_type for column in columns)
    if cursor:
        key = tuple_(*columns)
        after = decode(cursor, kinds)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    order = [column.desc() if descending else column.asc() for column in columns]
    rows = list(db.session.scalars(query.order_by(None).order_by(*order).limit(limit + 1)).unique())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode([getattr(last, column.key) for column in columns])
