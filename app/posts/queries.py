"""Reading lists of posts: filters and orders that each use one index range."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Select, select

from app.core.pagination import Page, paginate
from app.posts.models import PUBLIC_STATUSES, Post, PostKind, PostStatus


class Sort(enum.StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"
    HOT = "hot"


@dataclass(frozen=True)
class PostFilter:
    kind: PostKind | None = None
    category_id: int | None = None
    status: PostStatus | None = None
    author_id: int | None = None


def public_posts_query(filters: PostFilter, sort: Sort) -> Select:
    """Public posts matching the filters, in the chosen order (newest first breaks ties)."""
    query = select(Post)
    if filters.status is None:
        query = query.where(Post.is_listed.is_(True))
    elif filters.status in PUBLIC_STATUSES:
        query = query.where(Post.status == filters.status, Post.is_hidden.is_(False))
    else:
        query = query.where(False)
    if filters.kind is not None:
        query = query.where(Post.kind == filters.kind)
    if filters.category_id is not None:
        query = query.where(Post.category_id == filters.category_id)
    if filters.author_id is not None:
        query = query.where(Post.author_id == filters.author_id)
    order = {
        Sort.NEWEST: (Post.created_at.desc(), Post.id.desc()),
        Sort.SUPPORTED: (Post.support.desc(), Post.created_at.desc()),
        Sort.HOT: (Post.hot_score.desc(), Post.id.desc()),
    }[sort]
    return query.order_by(*order)


def list_public_posts(filters: PostFilter, sort: Sort, page: int, per_page: int) -> Page:
    """One page of public posts."""
    return paginate(public_posts_query(filters, sort), page, per_page)


def posts_by_author(author_id: int, page: int, per_page: int) -> Page:
    """Everything one user posted, newest first, whatever its status (for the author's own page)."""
    query = select(Post).where(Post.author_id == author_id).order_by(Post.created_at.desc(), Post.id.desc())
    return paginate(query, page, per_page)
