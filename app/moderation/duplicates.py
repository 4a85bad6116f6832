"""Duplicates handled safely: supporters moved to the original with consent of a moderator, given back
by "not a duplicate", and the facts a moderator sees before confirming (both posts, their distance).

The workflow (app.moderation.workflow) calls these inside its mark_duplicate and not_duplicate moves,
so the timeline, the audit log and the counters change in one transaction. Why votes move this way:
docs/decisions/0025-moderation-safe-to-use-fast.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from app.core.db import utcnow
from app.extensions import db
from app.moderation import audit
from app.moderation.models import MovedVote
from app.posts import votes
from app.posts.models import Post


def move_supporters(duplicate: Post, original: Post, actor) -> int:
    """Move the duplicate's supporters to the original (each voter counted once); returns how many left it."""
    moved = votes.move_supports(duplicate, original)
    now = utcnow()
    db.session.add_all(
        MovedVote(
            duplicate_id=duplicate.id,
            original_id=original.id,
            user_id=support.user_id,
            voted_at=support.voted_at,
            added_to_original=support.added,
            moved_at=now,
        )
        for support in moved
    )
    if moved:
        added = sum(support.added for support in moved)
        audit.record(
            actor,
            "move_supporters",
            duplicate,
            details={"to": original.id, "moved": len(moved), "added": added, "already_there": len(moved) - added},
        )
    return len(moved)


def undo_duplicate(post: Post, actor) -> int:
    """Undo a duplicate mark: the post stops pointing to the original, and its moved supporters come
    back (those who withdrew the moved vote since keep their choice). Returns the votes given back."""
    original_id = post.duplicate_of_id
    post.duplicate_of_id = None
    if original_id is None:
        return 0
    db.session.execute(
        update(Post)
        .where(Post.id == original_id, Post.duplicate_count > 0)
        .values(duplicate_count=Post.duplicate_count - 1),
        execution_options={"synchronize_session": False},
    )
    rows = list(
        db.session.scalars(
            select(MovedVote)
            .where(MovedVote.duplicate_id == post.id, MovedVote.returned_at.is_(None))
            .order_by(MovedVote.id)
        )
    )
    if not rows:
        return 0
    original = db.session.get(Post, original_id)
    supports = [votes.MovedSupport(row.user_id, row.voted_at, row.added_to_original) for row in rows]
    returned = votes.return_supports(post, original, supports)
    now = utcnow()
    for row in rows:
        row.returned_at = now
    audit.record(
        actor,
        "return_supporters",
        post,
        details={
            "from": original_id,
            "moved": len(rows),
            "returned": returned,
            "kept_their_choice": len(rows) - returned,
        },
    )
    return returned


def moved_supporter_count(post: Post) -> int:
    """Supporters moved off this duplicate that "not a duplicate" would give back."""
    return db.session.scalar(
        select(func.count())
        .select_from(MovedVote)
        .where(MovedVote.duplicate_id == post.id, MovedVote.returned_at.is_(None))
    )


def distance_m(a: Post, b: Post) -> float | None:
    """Metres between two posts' places (great circle), or None when either has no place."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lon / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(min(1.0, h)))


def one_click_distance_m() -> float:
    """Beyond this distance a similar problem is shown dimmed, without a one-click "duplicate of this"."""
    return float(current_app.config["DUPLICATE_ONE_CLICK_KM"]) * 1000


def is_far(distance: float | None) -> bool:
    return distance is not None and distance > one_click_distance_m()


@dataclass(frozen=True)
class DuplicatePair:
    """What the confirmation page shows: the post to mark, its original, and how far apart they are."""

    post: Post
    original: Post
    distance_m: float | None
    is_far: bool
    supporters: int  # the duplicate's supporters that could move


def duplicate_pair(post: Post, original: Post) -> DuplicatePair:
    distance = distance_m(post, original)
    return DuplicatePair(post, original, distance, is_far(distance), post.up_count)
