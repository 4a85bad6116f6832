"""Writing posts: the posting rules, submission and the author's edits (after approval, each earlier
version is kept as a PostRevision)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.permissions import can_participate, needs_verification
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.extensions import db
from app.posts import photos as photo_store
from app.posts import places, rules
from app.posts.follows import follow_post
from app.posts.models import OPEN_STATUSES, Category, Photo, Post, PostKind, PostRevision, PostStatus
from app.posts.signals import post_edited, post_submitted


class PostingError(DomainError):
    """A posting rule was broken; `field` names the form field the message belongs to."""


def active_categories(kind: PostKind | None = None) -> list[Category]:
    """Categories open for new posts (of one kind, if given), in their display order."""
    query = select(Category).where(Category.is_active.is_(True)).order_by(Category.position, Category.id)
    if kind is PostKind.PROBLEM:
        query = query.where(Category.accepts_problems.is_(True))
    elif kind is PostKind.IDEA:
        query = query.where(Category.accepts_ideas.is_(True))
    return list(db.session.scalars(query))


def _checked_fields(
    kind: PostKind, title: str, body: str, category: Category | None, address: str | None
) -> tuple[str, str, str | None]:
    title, body = clean_text(title), clean_text(body, multiline=True)
    address = clean_text(address) or None
    if not rules.TITLE_MIN <= len(title) <= rules.TITLE_MAX:
        raise PostingError(
            _("The title must be %(min)d to %(max)d characters long.", min=rules.TITLE_MIN, max=rules.TITLE_MAX),
            "title",
        )
    if not rules.BODY_MIN <= len(body) <= rules.BODY_MAX:
        raise PostingError(
            _("The description must be %(min)d to %(max)d characters long.", min=rules.BODY_MIN, max=rules.BODY_MAX),
            "body",
        )
    if category is None or not category.accepts(kind):
        raise PostingError(_("Choose one of the listed categories."), "category")
    if address is not None and len(address) > rules.ADDRESS_MAX:
        raise PostingError(_("The address must be at most %(max)d characters long.", max=rules.ADDRESS_MAX), "address")
    return title, body, address


def checked_location(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    """Both coordinates or neither, inside the city; rounded to a sensible precision."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise PostingError(_("Give both the latitude and the longitude, or neither."), "latitude")
    if not places.is_in_city(latitude, longitude):
        raise PostingError(
            _("This place is outside Mashhad. Choose a spot within the city, or describe the place in the address."),
            "latitude",
        )
    return places.rounded(latitude), places.rounded(longitude)


def _check_photo_count(count: int) -> None:
    limit = current_app.config["PHOTOS_PER_POST"]
    if count > limit:
        raise PostingError(_("A post can have at most %(count)d photos.", count=limit), "photos")


def submit_post(
    author,
    *,
    kind: PostKind,
    title: str,
    body: str,
    category: Category | None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    photos: Sequence[photo_store.StagedPhoto] = (),
) -> Post:
    """Create a pending post for moderation, with its photos; its author follows it."""
    if needs_verification(author):
        raise PostingError(_("Confirm your e-mail address first: open the link we sent you, then post."))
    if not can_participate(author):
        raise PostingError(_("Your account may not post."))
    title, body, address = _checked_fields(kind, title, body, category, address)
    latitude, longitude = checked_location(latitude, longitude)
    _check_photo_count(len(photos))
    post = Post(
        kind=kind,
        status=PostStatus.PENDING,
        title=title,
        body=body,
        category=category,
        author=author,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )
    db.session.add(post)
    db.session.flush()
    photo_store.attach_photos(post, photos, author)
    follow_post(author, post)
    post_submitted.send(post)
    return post


def is_editable(post: Post) -> bool:
    """Authors edit while a post waits for moderation and, once approved, while it is open."""
    return post.status is PostStatus.PENDING or (post.published_at is not None and post.status in OPEN_STATUSES)


def edit_post(
    post: Post,
    *,
    title: str,
    body: str,
    category: Category | None,
    address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    add_photos: Sequence[photo_store.StagedPhoto] = (),
    remove_photos: Sequence[Photo] = (),
    editor=None,
) -> PostRevision | None:
    """Change a post's text (and, while it is pending, its category and photos).

    After approval the post stays public and the version it replaces is kept as a PostRevision for
    the moderators (returned; None when nothing changed). Closed, rejected and withdrawn posts are
    the record as it stands and cannot be edited.
    """
    if not is_editable(post):
        raise PostingError(_("This post can no longer be edited."))
    if post.status is PostStatus.PENDING:
        _edit_pending(post, title, body, category, address, latitude, longitude, add_photos, remove_photos)
        return None
    if add_photos or remove_photos:
        raise PostingError(_("The photos of a published post stay as they are."), "photos")
    if category is None or category.id != post.category_id:
        raise PostingError(_("The category of a published post is changed by the moderators."), "category")
    previous = PostRevision(
        post_id=post.id,
        editor_id=(editor or post.author).id,
        title=post.title,
        body=post.body,
        address=post.address,
        latitude=post.latitude,
        longitude=post.longitude,
        status=post.status,
    )
    post.title, post.body, post.address = _checked_fields(post.kind, title, body, category, address)
    post.latitude, post.longitude = checked_location(latitude, longitude)
    moved = (previous.latitude, previous.longitude) != (post.latitude, post.longitude)
    if (previous.title, previous.body, previous.address) == (post.title, post.body, post.address) and not moved:
        return None
    previous.is_substantial = moved or text_similarity(previous, post) < rules.SUBSTANTIAL_EDIT_SIMILARITY
    now = utcnow()
    previous.created_at = post.updated_at = post.last_activity_at = now
    db.session.add(previous)
    db.session.flush()
    post_edited.send(post, revision=previous, editor=editor or post.author)
    return previous


def text_similarity(old, new) -> float:
    """How much of the old words the new text keeps, from 0 (nothing) to 1 (the same): difflib over words."""
    words = (f"{old.title}\n{old.body}".split(), f"{new.title}\n{new.body}".split())
    return difflib.SequenceMatcher(None, *words, autojunk=False).ratio()


def _edit_pending(post: Post, title, body, category, address, latitude, longitude, add_photos, remove_photos) -> None:
    post.title, post.body, post.address = _checked_fields(post.kind, title, body, category, address)
    post.latitude, post.longitude = checked_location(latitude, longitude)
    if any(photo.post_id != post.id for photo in remove_photos):
        raise PostingError(_("That photo is not on this post."), "photos")
    _check_photo_count(len(post.photos) - len(set(remove_photos)) + len(add_photos))
    for photo in set(remove_photos):
        photo_store.remove_photo(photo)
    photo_store.attach_photos(post, add_photos, post.author)
    post.category = category
    post.updated_at = utcnow()
    post_edited.send(post, revision=None, editor=post.author)
