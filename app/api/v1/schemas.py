"""What the API reads and writes, as marshmallow schemas: they validate input, shape output, and
are the OpenAPI document's components (through apispec), so the document cannot drift from the code."""

from __future__ import annotations

from datetime import UTC

from flask import current_app
from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from app.core.urls import absolute_url
from app.core.web import localized
from app.posts import rules
from app.posts.models import PostKind, PostStatus
from app.posts.queries import Sort
from app.search.queries import SearchSort

_TEXT = {"type": "string"}
_URL = {"type": "string", "format": "uri"}


class UtcDateTime(fields.DateTime):
    """Stored times are naive UTC; they go out as RFC 3339 with their zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC, microsecond=0).isoformat()


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # ?lang=… and other page parameters are harmless


def _limit() -> fields.Integer:
    return fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "How many items per page (1 to 100; default 20)."},
    )


class ErrorBodySchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable code."})
    message = fields.String(required=True, metadata={"description": "In the caller's language."})
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        data_key="fields",
        metadata={"description": "Messages per input field (empty when the error is not about one)."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class CategorySchema(Schema):
    slug = fields.String(required=True)
    name = fields.Function(lambda c: localized(c), required=True, metadata=_TEXT)
    name_fa = fields.String(required=True)
    name_en = fields.String(required=True)
    accepts_problems = fields.Boolean(required=True)
    accepts_ideas = fields.Boolean(required=True)
    department = fields.Function(
        lambda c: c.default_department.slug if c.default_department else None,
        allow_none=True,
        required=True,
        metadata=_TEXT,
    )


class DepartmentSchema(Schema):
    slug = fields.String(required=True)
    name = fields.Function(lambda d: localized(d), required=True, metadata=_TEXT)
    name_fa = fields.String(required=True)
    name_en = fields.String(required=True)


class AuthorSchema(Schema):
    display_name = fields.String(required=True)


class PostSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.Enum(PostKind, by_value=True, required=True)
    status = fields.Enum(PostStatus, by_value=True, required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    category = fields.Function(lambda p: p.category.slug, required=True, metadata=_TEXT)
    department = fields.Function(
        lambda p: p.department.slug if p.department else None, allow_none=True, required=True, metadata=_TEXT
    )
    author = fields.Nested(AuthorSchema, required=True)
    address = fields.String(allow_none=True, required=True)
    latitude = fields.Float(allow_none=True, required=True)
    longitude = fields.Float(allow_none=True, required=True)
    support = fields.Integer(required=True)
    up_count = fields.Integer(required=True)
    down_count = fields.Integer(required=True)
    comment_count = fields.Integer(required=True)
    duplicate_of = fields.Integer(attribute="duplicate_of_id", allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)
    url = fields.Function(lambda p: absolute_url("posts.show", post_id=p.id), required=True, metadata=_URL)


class PostPageSchema(Schema):
    items = fields.List(fields.Nested(PostSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class NewPostSchema(StrictSchema):
    kind = fields.Enum(PostKind, by_value=True, required=True)
    title = fields.String(required=True, validate=validate.Length(max=rules.TITLE_MAX * 2))
    body = fields.String(required=True, validate=validate.Length(max=rules.BODY_MAX * 2))
    category = fields.String(required=True, validate=validate.Length(max=60), metadata={"description": "A slug."})
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=rules.ADDRESS_MAX * 2))
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-180, max=180))


class PostListArgsSchema(ArgsSchema):
    kind = fields.Enum(PostKind, by_value=True, load_default=None)
    category = fields.String(load_default=None, validate=validate.Length(max=60), metadata={"description": "A slug."})
    status = fields.Enum(PostStatus, by_value=True, load_default=None)
    sort = fields.Enum(Sort, by_value=True, load_default=Sort.NEWEST)
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))
    limit = _limit()


class CursorArgsSchema(ArgsSchema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))
    limit = _limit()


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    author = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(allow_none=True, required=True)


class CommentPageSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class NewCommentSchema(StrictSchema):
    body = fields.String(required=True, validate=validate.Length(max=rules.COMMENT_MAX * 2))
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class VoteInSchema(StrictSchema):
    value = fields.Integer(required=True, strict=True, validate=validate.OneOf([1, -1]))


class VoteSchema(Schema):
    value = fields.Integer(required=True, metadata={"description": "1 support, -1 oppose, 0 none."})
    up_count = fields.Integer(required=True)
    down_count = fields.Integer(required=True)
    support = fields.Integer(required=True)


class FollowSchema(Schema):
    following = fields.Boolean(required=True)


class SearchArgsSchema(ArgsSchema):
    q = fields.String(load_default="", validate=validate.Length(max=200))
    kind = fields.Enum(PostKind, by_value=True, load_default=None)
    category = fields.String(load_default=None, validate=validate.Length(max=60))
    department = fields.String(load_default=None, validate=validate.Length(max=60))
    status = fields.Enum(PostStatus, by_value=True, load_default=None)
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    sort = fields.Enum(SearchSort, by_value=True, load_default=None)
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))
    limit = _limit()


class SearchHitSchema(Schema):
    post = fields.Nested(PostSchema, required=True)
    snippet = fields.String(required=True, metadata={"description": "Plain text around the matched words."})


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    total = fields.Integer(required=True)
    total_is_estimate = fields.Boolean(
        required=True, metadata={"description": "True when many posts match: `total` is then rounded, not counted."}
    )
    available = fields.Boolean(required=True, metadata={"description": "False while the index is being built."})
    next_cursor = fields.String(allow_none=True, required=True)


class SimilarArgsSchema(ArgsSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=rules.TITLE_MAX * 2))
    body = fields.String(load_default="", validate=validate.Length(max=rules.BODY_MAX * 2))
    kind = fields.Enum(PostKind, by_value=True, load_default=PostKind.PROBLEM)
    latitude = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))


class SimilarSchema(Schema):
    post = fields.Nested(PostSchema, required=True)
    score = fields.Float(required=True)
    distance_m = fields.Float(allow_none=True, required=True)


class SimilarListSchema(Schema):
    items = fields.List(fields.Nested(SimilarSchema), required=True)


class CategoryListSchema(Schema):
    items = fields.List(fields.Nested(CategorySchema), required=True)


class DepartmentListSchema(Schema):
    items = fields.List(fields.Nested(DepartmentSchema), required=True)


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    post_id = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    read_at = UtcDateTime(allow_none=True, required=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    unread = fields.Integer(required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class MarkedReadSchema(Schema):
    marked = fields.Integer(required=True)


def page_size(limit: int | None) -> int:
    return limit or current_app.config["API_PAGE_SIZE"]
