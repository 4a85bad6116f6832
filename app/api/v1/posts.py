"""/api/v1/posts: the list (same filters and sorts as the web), one post, writing one, its comments."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.v1 import bp, cursor
from app.api.v1 import schemas as s
from app.api.v1.auth import api_user, rate_limit_key, require, require_user
from app.api.v1.errors import ApiError
from app.api.v1.io import answer, args, body
from app.core.db import ID_MAX
from app.extensions import db, limiter
from app.posts import comments, permissions, queries, services
from app.posts.models import Category, Comment, Post

_SORT_KEYS = {
    queries.Sort.NEWEST: (Post.created_at, Post.id),
    queries.Sort.SUPPORTED: (Post.support, Post.created_at, Post.id),
    queries.Sort.HOT: (Post.hot_score, Post.id),
}


def category_id_for_slug(slug: str | None, field: str = "category") -> int | None:
    if slug is None:
        return None
    category_id = db.session.scalar(select(Category.id).where(Category.slug == slug))
    if category_id is None:
        raise ApiError(422, _("Unknown category."), fields={field: [_("Unknown category.")]})
    return category_id


def visible_post(post_id: int) -> Post:
    """The post, or a 404 when it does not exist or the caller may not see it."""
    post = db.session.get(Post, post_id)
    require(post is not None and permissions.can_view_post(api_user(), post), hide=True)
    return post


@bp.get("/posts")
def list_posts():
    """Public posts, with the web list's filters and sorts.
    ---
    get:
      tags: [posts]
      parameters:
      - in: query
        schema: PostListArgsSchema
      responses:
        200:
          content:
            application/json:
              schema: PostPageSchema
    """
    given = args(s.PostListArgsSchema())
    filters = queries.PostFilter(
        kind=given["kind"], category_id=category_id_for_slug(given["category"]), status=given["status"]
    )
    query = queries.public_posts_query(filters, given["sort"])
    posts, next_cursor = cursor.page(query, _SORT_KEYS[given["sort"]], given["cursor"], s.page_size(given["limit"]))
    return answer(s.PostPageSchema(), {"items": posts, "next_cursor": next_cursor})


def _posting_limit() -> str:
    return current_app.config["POSTING_RATE_LIMIT"]


@bp.post("/posts")
@limiter.limit(_posting_limit, key_func=rate_limit_key)
def create_post():
    """Write a post: it waits for moderation, exactly as one written on the web.
    ---
    post:
      tags: [posts]
      security: [{token: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: NewPostSchema
      responses:
        201:
          content:
            application/json:
              schema: PostSchema
    """
    author = require_user()
    given = body(s.NewPostSchema())
    category = db.session.scalar(select(Category).where(Category.slug == given["category"]))
    post = services.submit_post(
        author,
        kind=given["kind"],
        title=given["title"],
        body=given["body"],
        category=category,
        address=given["address"],
        latitude=given["latitude"],
        longitude=given["longitude"],
    )
    db.session.commit()
    return answer(s.PostSchema(), post, 201, {"Location": url_for("api.show_post", post_id=post.id)})


@bp.get("/posts/<int:post_id>")
def show_post(post_id: int):
    """One post (public, or the caller's own, or one the caller moderates or answers).
    ---
    get:
      tags: [posts]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      responses:
        200:
          content:
            application/json:
              schema: PostSchema
    """
    return answer(s.PostSchema(), visible_post(post_id))


@bp.get("/posts/<int:post_id>/comments")
def list_comments(post_id: int):
    """A post's visible comments, oldest first (replies carry their parent_id).
    ---
    get:
      tags: [comments]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      - in: query
        schema: CursorArgsSchema
      responses:
        200:
          content:
            application/json:
              schema: CommentPageSchema
    """
    post = visible_post(post_id)
    given = args(s.CursorArgsSchema())
    query = select(Comment).where(Comment.post_id == post.id, Comment.is_hidden.is_(False))
    items, next_cursor = cursor.page(
        query, (Comment.created_at, Comment.id), given["cursor"], s.page_size(given["limit"]), descending=False
    )
    return answer(s.CommentPageSchema(), {"items": items, "next_cursor": next_cursor})


@bp.post("/posts/<int:post_id>/comments")
def create_comment(post_id: int):
    """Comment on a public post, or reply to one of its comments.
    ---
    post:
      tags: [comments]
      security: [{token: []}]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      requestBody:
        required: true
        content:
          application/json:
            schema: NewCommentSchema
      responses:
        201:
          content:
            application/json:
              schema: CommentSchema
    """
    author = require_user()
    post = visible_post(post_id)
    require(permissions.can_comment(author, post))
    given = body(s.NewCommentSchema())
    parent = None
    if given["parent_id"] is not None:
        parent = db.session.get(Comment, given["parent_id"]) if 0 < given["parent_id"] <= ID_MAX else None
        if parent is None:
            message = _("The comment you are replying to is not on this post.")
            raise ApiError(422, message, fields={"parent_id": [message]})
    comment = comments.add_comment(post, author, given["body"], parent=parent)
    db.session.commit()
    return answer(s.CommentSchema(), comment, 201)
