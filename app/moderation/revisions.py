"""Edits of published posts, after the fact: their versions, a word-by-word comparison, and the
moderators' review of each edit (app.posts.services.edit_post keeps the versions)."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, select, update

from app.core.db import utcnow
from app.core.pagination import MAX_PAGE, Page
from app.extensions import db
from app.moderation import audit
from app.moderation.services import ModerationError
from app.posts.models import Post, PostRevision
from app.posts.signals import post_edited


@dataclass(frozen=True)
class Version:
    """One version of a post: the current one (revision None) or an earlier one."""

    title: str
    body: str
    address: str | None
    latitude: float | None
    longitude: float | None
    since: datetime | None  # when it became the text (None: we do not know, before the first kept edit)
    revision: PostRevision | None = None


@dataclass(frozen=True)
class Change:
    """What one edit changed: the version before and the version after, word by word."""

    before: Version
    after: Version
    title: list[tuple[str, str]]
    body: list[tuple[str, str]]
    place_changed: bool


def revisions_of(post: Post) -> list[PostRevision]:
    """The kept earlier versions of the post, oldest first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.created_at, PostRevision.id)
        )
    )


def changes_of(post: Post, revisions: list[PostRevision]) -> list[Change]:
    """Every edit of the post, newest first, each as the words it removed and added."""
    versions = []
    since = None
    for revision in revisions:
        versions.append(
            Version(
                revision.title, revision.body, revision.address, revision.latitude, revision.longitude, since, revision
            )
        )
        since = revision.created_at
    versions.append(Version(post.title, post.body, post.address, post.latitude, post.longitude, since))
    changes = [
        Change(
            before,
            after,
            word_diff(before.title, after.title),
            word_diff(before.body, after.body),
            (before.address, before.latitude, before.longitude) != (after.address, after.latitude, after.longitude),
        )
        for before, after in itertools.pairwise(versions)
    ]
    return changes[::-1]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from old to new as runs of ("same" | "removed" | "added", text), word by word."""
    old_words, new_words = _WORD.findall(old), _WORD.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", _joined(old_words[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", _joined(old_words[i1:i2])))
        if j2 > j1:
            runs.append(("added", _joined(new_words[j1:j2])))
    return runs


_WORD = re.compile(r"\n|[^\s]+")


def _joined(words: list[str]) -> str:
    return " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def unreviewed_page(page: int, per_page: int) -> Page:
    """Posts with edits no moderator has looked at yet, as (post, edits, substantial, first edit) rows:
    rewrites first, then the oldest edit first."""
    pending = (
        select(
            PostRevision.post_id,
            func.count().label("edits"),
            func.max(cast(PostRevision.is_substantial, Integer)).label("substantial"),
            func.min(PostRevision.created_at).label("first_edit"),
        )
        .where(PostRevision.reviewed_at.is_(None))
        .group_by(PostRevision.post_id)
        .subquery()
    )
    query = (
        select(Post, pending.c.edits, pending.c.substantial, pending.c.first_edit)
        .join(pending, pending.c.post_id == Post.id)
        .order_by(pending.c.substantial.desc(), pending.c.first_edit, Post.id)
    )
    page = min(max(1, page), MAX_PAGE)
    rows = db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(rows[:per_page]), number=page, per_page=per_page, has_next=len(rows) > per_page)


def unreviewed_count(post: Post) -> int:
    return db.session.scalar(
        select(func.count()).where(PostRevision.post_id == post.id, PostRevision.reviewed_at.is_(None))
    )


def review_edits(post: Post, actor) -> int:
    """Mark the post's edits as seen by a moderator (the versions stay); returns how many."""
    done = db.session.execute(
        update(PostRevision)
        .where(PostRevision.post_id == post.id, PostRevision.reviewed_at.is_(None))
        .values(reviewed_at=utcnow(), reviewed_by_id=actor.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not done:
        raise ModerationError(_("There is no new edit of this post to review."))
    audit.record(actor, "review_edits", post, details={"edits": done})
    return done


@post_edited.connect
def _record_edit(post: Post, *, revision: PostRevision | None = None, editor=None, **_extra) -> None:
    """An edit after approval is on record in the audit log (the versions themselves are kept by posts)."""
    if revision is None:
        return
    audit.record(
        editor,
        "edit_post",
        post,
        details={"revision": revision.id, "substantial": revision.is_substantial, "status": revision.status.value},
    )
