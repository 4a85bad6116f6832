"""Atom feeds (RFC 4287): newest posts, a category, a department, a search, one post's timeline.

Feeds are public: they show what a visitor sees, whoever asks (a feed reader sends no cookie)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.core.i18n import negotiates_language
from app.core.l10n import current_language
from app.core.urls import absolute_url
from app.core.web import localized
from app.departments.models import Department
from app.extensions import db, limiter
from app.moderation import workflow
from app.moderation.labels import role_label
from app.posts import queries
from app.posts.labels import status_label
from app.posts.models import Category, Post
from app.search.queries import SearchRequest, SearchSort, search_posts

bp = negotiates_language(Blueprint("feeds", __name__, url_prefix="/feeds"))
ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 50


def _stamp(moment) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _text(parent: ET.Element, name: str, text: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    element.text = text
    return element


def _feed(title: str, page_url: str, entries: list[dict]) -> Response:
    """The feed document: id, title, updated, author, links to itself and to the page it follows."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": current_language()})
    self_url = current_app.config["SITE_URL"].rstrip("/") + request.full_path.rstrip("?")
    _text(feed, "id", self_url)
    _text(feed, "title", f"{title} | {_('Shahrvand')}")
    updated = max((entry["updated"] for entry in entries), default=None)
    _text(feed, "updated", _stamp(updated) if updated else "1970-01-01T00:00:00Z")
    author = ET.SubElement(feed, "author")
    _text(author, "name", _("Shahrvand"))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": page_url})
    for item in entries:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", item["id"])
        _text(entry, "title", item["title"])
        _text(entry, "updated", _stamp(item["updated"]))
        if item.get("published"):
            _text(entry, "published", _stamp(item["published"]))
        if item.get("author"):
            _text(ET.SubElement(entry, "author"), "name", item["author"])
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": item["link"]})
        if item.get("category"):
            ET.SubElement(entry, "category", {"term": item["category"]})
        _text(entry, "content", item["content"], type="text")
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode")
    return Response(body.encode("utf-8"), content_type=CONTENT_TYPE)


def _post_entry(post: Post) -> dict:
    link = absolute_url("posts.show", post_id=post.id)
    return {
        "id": link,
        "title": post.title,
        "updated": max(post.updated_at, post.published_at or post.created_at),
        "published": post.published_at or post.created_at,
        "author": post.author.display_name,
        "link": link,
        "category": localized(post.category),
        "content": f"{status_label(post.status)}\n\n{post.body}",
    }


def _newest(filters: queries.PostFilter, department_id: int | None = None) -> list[Post]:
    query = queries.public_posts_query(filters, queries.Sort.NEWEST)
    if department_id is not None:
        query = query.where(Post.department_id == department_id)
    return list(db.session.scalars(query.limit(ENTRIES)).unique())


def _read_limit() -> str:
    return current_app.config["OPEN311_READ_RATE_LIMIT"]


@bp.get("/posts.atom")
@limiter.limit(_read_limit)
def newest_posts():
    posts = _newest(queries.PostFilter())
    return _feed(_("Newest posts"), absolute_url("posts.list_posts"), [_post_entry(p) for p in posts])


@bp.get("/categories/<slug>.atom")
@limiter.limit(_read_limit)
def category(slug: str):
    found = db.session.scalar(select(Category).where(Category.slug == slug)) or abort(404)
    posts = _newest(queries.PostFilter(category_id=found.id))
    page = absolute_url("posts.list_posts", category=found.id)
    return _feed(localized(found), page, [_post_entry(p) for p in posts])


@bp.get("/departments/<slug>.atom")
@limiter.limit(_read_limit)
def department(slug: str):
    found = db.session.scalar(select(Department).where(Department.slug == slug)) or abort(404)
    posts = _newest(queries.PostFilter(), department_id=found.id)
    return _feed(localized(found), absolute_url("posts.list_posts"), [_post_entry(p) for p in posts])


@bp.get("/search.atom")
@limiter.limit(_read_limit)
def search():
    text = request.args.get("q", "").strip()[:200]
    if not text:
        abort(404)
    results = search_posts(SearchRequest(text=text, sort=SearchSort.NEWEST, per_page=ENTRIES), AnonymousUserMixin())
    page = absolute_url("search.search", q=text)
    entries = [_post_entry(hit.post) for hit in results.hits]
    return _feed(_("Search: %(query)s", query=text), page, entries)


@bp.get("/posts/<int:post_id>/timeline.atom")
@limiter.limit(_read_limit)
def timeline(post_id: int):
    post = db.session.get(Post, post_id)
    if post is None or not post.is_public:
        abort(404)
    link = absolute_url("posts.show", post_id=post.id)
    entries = []
    for change in workflow.timeline(post):
        who = role_label(change.actor_role) if change.actor_role else _("Shahrvand")
        if change.department is not None:
            who = f"{who} | {localized(change.department)}"
        entries.append(
            {
                "id": f"{link}#change-{change.id}",
                "title": status_label(change.to_status),
                "updated": change.created_at,
                "published": change.created_at,
                "author": who,
                "link": link,
                "content": change.note or status_label(change.to_status),
            }
        )
    return _feed(post.title, link, entries)
