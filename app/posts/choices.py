"""The options of the category and department lists that many forms share, in one place.

Departments are reached through Post's mapper: posts never imports the departments package (the
layering contract in pyproject.toml says so), yet every domain that forwards or files posts needs
the list of departments that are open for them.
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from wtforms import SelectChoice

from app.core.web import localized
from app.extensions import db
from app.posts.models import Post, PostKind
from app.posts.services import active_categories


def _department_class():
    return inspect(Post).relationships["department"].mapper.class_


def active_departments() -> list:
    """Departments that take posts, in a stable order."""
    department = _department_class()
    return list(db.session.scalars(select(department).where(department.is_active.is_(True)).order_by(department.id)))


def find_department(department_id: int | None):
    """The department with this number, or None."""
    return db.session.get(_department_class(), department_id) if department_id else None


def category_choices(blank: str, kind: PostKind | None = None) -> list[SelectChoice]:
    """Active categories for a select, after a first option labelled `blank` (its value is empty)."""
    return [SelectChoice("", blank)] + [SelectChoice(c.id, localized(c)) for c in active_categories(kind)]


def department_choices(blank: str) -> list[SelectChoice]:
    """Active departments for a select, after a first option labelled `blank` (its value is empty)."""
    return [SelectChoice("", blank)] + [SelectChoice(d.id, localized(d)) for d in active_departments()]
