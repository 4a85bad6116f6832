"""/api/v1: categories, departments, search and similar posts."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.v1 import bp, cursor
from app.api.v1 import schemas as s
from app.api.v1.auth import api_user, rate_limit_key
from app.api.v1.errors import ApiError
from app.api.v1.io import answer, args
from app.api.v1.posts import category_id_for_slug
from app.departments.models import Department
from app.extensions import db, limiter
from app.posts.models import Category
from app.search import queries
from app.search.similar import similar_to_draft


@bp.get("/categories")
def list_categories():
    """Every active category, in display order.
    ---
    get:
      tags: [directory]
      responses:
        200:
          content:
            application/json:
              schema: CategoryListSchema
    """
    categories = db.session.scalars(
        select(Category).where(Category.is_active.is_(True)).order_by(Category.position, Category.id)
    ).all()
    return answer(s.CategoryListSchema(), {"items": categories})


@bp.get("/departments")
def list_departments():
    """Every active department.
    ---
    get:
      tags: [directory]
      responses:
        200:
          content:
            application/json:
              schema: DepartmentListSchema
    """
    departments = db.session.scalars(select(Department).where(Department.is_active.is_(True)).order_by(Department.id))
    return answer(s.DepartmentListSchema(), {"items": departments.all()})


def _department_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    department_id = db.session.scalar(select(Department.id).where(Department.slug == slug))
    if department_id is None:
        raise ApiError(422, _("Unknown department."), fields={"department": [_("Unknown department.")]})
    return department_id


@bp.get("/search")
def search():
    """Full-text search, Persian and English, over the posts the caller may see.
    ---
    get:
      tags: [search]
      parameters:
      - in: query
        schema: SearchArgsSchema
      responses:
        200:
          content:
            application/json:
              schema: SearchPageSchema
    """
    given = args(s.SearchArgsSchema())
    # The search engine pages by number: its cursor is (page, page size), so that every page of one
    # walk has the size of the first.
    page_number, per_page = 1, s.page_size(given["limit"])
    if given["cursor"]:
        page_number, per_page = cursor.decode(given["cursor"], (int, int))
    if not (1 <= page_number <= queries.MAX_PAGE and 1 <= per_page <= current_app.config["API_PAGE_MAX"]):
        raise ApiError(400, _("This cursor is not valid."), fields={"cursor": [_("Not valid.")]})
    request = queries.SearchRequest(
        text=given["q"],
        kind=given["kind"],
        category_id=category_id_for_slug(given["category"]),
        status=given["status"],
        department_id=_department_id(given["department"]),
        date_from=given["date_from"],
        date_to=given["date_to"],
        sort=given["sort"],
        page=page_number,
        per_page=per_page,
    )
    if not request.has_criteria:
        raise ApiError(
            422, _("Type some words or choose a filter."), fields={"q": [_("Type some words or choose a filter.")]}
        )
    results = queries.search_posts(request, api_user())
    items = [{"post": hit.post, "snippet": hit.snippet.striptags()} for hit in results.hits]
    next_cursor = cursor.encode([page_number + 1, per_page]) if results.hits and results.has_next else None
    page = {
        "items": items,
        "total": max(0, results.total),
        "total_is_estimate": results.total_is_estimate,
        "available": results.available,
        "next_cursor": next_cursor,
    }
    return answer(s.SearchPageSchema(), page)


def _similar_limit() -> str:
    return current_app.config["SIMILAR_RATE_LIMIT"]


@bp.get("/similar")
@limiter.limit(_similar_limit, key_func=rate_limit_key)
def similar():
    """Up to five public posts like a draft (what the post form shows while someone types).
    ---
    get:
      tags: [search]
      parameters:
      - in: query
        schema: SimilarArgsSchema
      responses:
        200:
          content:
            application/json:
              schema: SimilarListSchema
    """
    given = args(s.SimilarArgsSchema())
    found = similar_to_draft(
        title=given["title"],
        body=given["body"],
        kind=given["kind"],
        latitude=given["latitude"],
        longitude=given["longitude"],
    )
    items = [{"post": item.post, "score": item.score, "distance_m": item.distance_m} for item in found]
    return answer(s.SimilarListSchema(), {"items": items})
