"""Service requests: our public posts of kind problem, read and written in Open311's terms."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.api.models import ApiKey, Open311Request
from app.core.errors import DomainError
from app.core.text import clean_text
from app.core.urls import absolute_url
from app.core.web import localized
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts import rules
from app.posts.labels import status_label
from app.posts.models import Category, Post, PostKind, PostStatus
from app.posts.services import active_categories, submit_post

WINDOW = timedelta(days=90)
_EARLIEST, _LATEST = datetime(100, 1, 1), datetime(9900, 1, 1)
MAX_RESULTS = 1000
OPEN = frozenset({PostStatus.PUBLISHED, PostStatus.FORWARDED, PostStatus.IN_PROGRESS})
CLOSED = frozenset({PostStatus.RESOLVED, PostStatus.DECLINED, PostStatus.DUPLICATE})


class Open311Error(DomainError):
    """A request the specification answers with a 400 (or the given status) and a description."""

    status = 400


def services() -> list[Category]:
    """Categories that accept problems: Open311's services."""
    return active_categories(PostKind.PROBLEM)


def service_by_code(code: str) -> Category | None:
    return next((category for category in services() if category.slug == code), None)


def w3c(moment: datetime | None) -> str | None:
    """A stored UTC time as W3C date-time with its zone: 2026-12-03T21:40:00+00:00."""
    return None if moment is None else moment.replace(tzinfo=UTC, microsecond=0).isoformat()


def parse_w3c(value: str, name: str) -> datetime:
    """A W3C date-time that names its zone, as naive UTC (how times are stored)."""
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            raise ValueError(value)
        # At most 100 years from year 1 or 9999: the 90-day window is then always a real date.
        return max(min(moment.astimezone(UTC).replace(tzinfo=None), _LATEST), _EARLIEST)
    except (ValueError, OverflowError) as error:
        raise Open311Error(
            _("%(name)s must be a W3C date and time with a time zone, e.g. 2026-01-31T08:00:00Z.", name=name)
        ) from error


@dataclass(frozen=True)
class RequestQuery:
    by_id: bool = False
    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[PostStatus] = OPEN | CLOSED


def parse_query(args) -> RequestQuery:
    """GET requests' filters; service_request_id overrides the others, as the specification says."""
    if args.get("service_request_id"):
        ids = tuple(
            int(part) for part in args["service_request_id"].split(",") if part.strip().isdigit() and len(part) < 19
        )
        return RequestQuery(by_id=True, ids=ids)
    codes = tuple(code.strip() for code in args.get("service_code", "").split(",") if code.strip())
    start = parse_w3c(args["start_date"], "start_date") if args.get("start_date") else None
    end = parse_w3c(args["end_date"], "end_date") if args.get("end_date") else None
    if start is None and end is None:
        end = datetime.now(UTC).replace(tzinfo=None)
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(_("end_date must not be before start_date."))
    if end - start > WINDOW:
        raise Open311Error(_("The date range may not span more than 90 days."))
    statuses: frozenset[PostStatus] = frozenset()
    for word in (part.strip() for part in args.get("status", "open,closed").split(",")):
        if word not in ("open", "closed"):
            raise Open311Error(_("status must be open, closed or both, separated by a comma."))
        statuses |= OPEN if word == "open" else CLOSED
    return RequestQuery(service_codes=codes, start=start, end=end, statuses=statuses)


def find_requests(query: RequestQuery) -> list[Post]:
    """Public problems matching the query, newest first, at most MAX_RESULTS."""
    if query.by_id and not query.ids:
        return []
    select_posts = select(Post).where(Post.kind == PostKind.PROBLEM, Post.is_hidden.is_(False))
    if query.by_id:
        select_posts = select_posts.where(Post.id.in_(query.ids), Post.status.in_(OPEN | CLOSED))
    else:
        select_posts = select_posts.where(
            Post.status.in_(query.statuses), Post.created_at >= query.start, Post.created_at <= query.end
        )
        if query.service_codes:
            select_posts = select_posts.join(Category).where(Category.slug.in_(query.service_codes))
    select_posts = select_posts.order_by(Post.created_at.desc(), Post.id.desc()).limit(MAX_RESULTS)
    return list(db.session.scalars(select_posts).unique())


def public_request(post_id: int) -> Post | None:
    post = db.session.get(Post, post_id)
    if post is None or post.kind is not PostKind.PROBLEM or not post.is_public:
        return None
    return post


def describe(posts: Sequence[Post], *, extensions: bool = False) -> list[dict]:
    """The specification's fields for each post (two queries for the whole list)."""
    ids = [post.id for post in posts]
    changes = dict(
        db.session.execute(
            select(StatusChange.post_id, func.max(StatusChange.created_at))
            .where(StatusChange.post_id.in_(ids))
            .group_by(StatusChange.post_id)
        ).all()
    )
    notes: dict[int, str] = {}
    for post_id, note in db.session.execute(
        select(StatusChange.post_id, StatusChange.note)
        .where(StatusChange.post_id.in_(ids), StatusChange.note.is_not(None))
        .order_by(StatusChange.created_at, StatusChange.id)
    ):
        notes[post_id] = note  # the latest public note wins
    media = dict(
        db.session.execute(
            select(Open311Request.post_id, Open311Request.media_url).where(Open311Request.post_id.in_(ids))
        ).all()
    )
    return [_describe(post, changes.get(post.id), notes.get(post.id), media.get(post.id), extensions) for post in posts]


def _describe(post: Post, changed_at, note: str | None, media_url: str | None, extensions: bool) -> dict:
    if post.photos:
        media_url = absolute_url("posts.photo", photo_id=post.photos[0].id, variant="full")
    updated = max(filter(None, (post.updated_at, changed_at)))
    entry = {
        "service_request_id": post.id,
        "status": "open" if post.status in OPEN else "closed",
        "status_notes": note or status_label(post.status),
        "service_name": localized(post.category),
        "service_code": post.category.slug,
        "description": post.body,
        "agency_responsible": localized(post.department) if post.department else "",
        "service_notice": "",
        "requested_datetime": w3c(post.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": None,
        "address": post.address or "",
        "address_id": None,
        "zipcode": None,
        "lat": post.latitude,
        "long": post.longitude,
        "media_url": media_url or "",
    }
    if extensions:
        entry["extended_attributes"] = {"title": post.title, "detailed_status": post.status.value}
    return entry


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    media_url: str | None = None


def _title_from(description: str) -> str:
    """Open311 sends no title: the description's first line, cut at a word near the limit."""
    first = clean_text(description.split("\n", 1)[0])
    if len(first) <= rules.TITLE_MAX:
        return first if len(first) >= rules.TITLE_MIN else clean_text(description)[: rules.TITLE_MAX]
    cut = first[: rules.TITLE_MAX - 1].rsplit(" ", 1)[0]
    return cut + "…"


def create_request(key: ApiKey, new: NewRequest) -> Open311Request:
    """A pending post in the key owner's name, into the same moderation queue as any other post."""
    category = service_by_code(new.service_code)
    if category is None:
        raise Open311Error(_("Unknown service_code."), "service_code")
    if new.lat is None and new.long is None and not clean_text(new.address_string):
        raise Open311Error(_("Give a location: lat and long, or address_string."), "lat")
    if new.media_url and not new.media_url.startswith(("http://", "https://")):
        raise Open311Error(_("media_url must be an http or https address."), "media_url")
    post = submit_post(
        key.owner,
        kind=PostKind.PROBLEM,
        title=_title_from(new.description or ""),
        body=new.description or "",
        category=category,
        address=new.address_string,
        latitude=new.lat,
        longitude=new.long,
    )
    received = Open311Request(
        token=secrets.token_hex(16),
        post=post,
        api_key_id=key.id,
        email=_short(new.email, 254),
        phone=_short(new.phone, 40),
        first_name=_short(new.first_name, 100),
        last_name=_short(new.last_name, 100),
        device_id=_short(new.device_id, 100),
        account_id=_short(new.account_id, 100),
        media_url=_short(new.media_url, 500),
    )
    db.session.add(received)
    db.session.flush()
    return received


def _short(value: str | None, limit: int) -> str | None:
    value = clean_text(value)
    if len(value) > limit:
        raise Open311Error(_("A field is longer than %(max)d characters.", max=limit))
    return value or None


def find_token(token: str) -> Open311Request | None:
    return db.session.scalar(select(Open311Request).where(Open311Request.token == token))
