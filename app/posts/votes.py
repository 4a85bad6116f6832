"""Votes: one per user per post, with counters changed by SQL increments so they stay exact."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.permissions import can_participate
from app.core.db import insert_ignoring_conflict, utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.posts import hot
from app.posts.follows import follow_post
from app.posts.models import OPEN_STATUSES, Post, PostKind, Vote
from app.posts.signals import vote_changed, vote_checking

SUPPORT, OPPOSE = 1, -1

# A vote's statements, built once: building one costs about as much as running it (docs/decisions/0030).
# They name the tables, not the mapped classes: the same SQL, without the ORM's bulk UPDATE, DELETE
# and INSERT machinery (which also annotates the statement again, and so keys it again, on every
# call). Executed through the session all the same, so that its listeners still see them: the
# counters' UPDATE bumps the post's page version and the lists' generation, and queues the post for
# the index (app.core.cache, app.search.sync). No Vote object is ever loaded around them.
_VOTES, _POSTS = Vote.__table__, Post.__table__
_HELD = select(_VOTES.c.value, _VOTES.c.created_at).where(
    _VOTES.c.user_id == bindparam("user"), _VOTES.c.post_id == bindparam("post")
)
_THIS_HELD_VOTE = and_(
    _VOTES.c.user_id == bindparam("user"), _VOTES.c.post_id == bindparam("post"), _VOTES.c.value == bindparam("held")
)
_TAKE_BACK = delete(_VOTES).where(_THIS_HELD_VOTE)
_CHANGE = update(_VOTES).where(_THIS_HELD_VOTE).values(value=bindparam("value"), created_at=bindparam("now"))
_MINE_AMONG = select(_VOTES.c.post_id, _VOTES.c.value).where(
    _VOTES.c.user_id == bindparam("user"), _VOTES.c.post_id.in_(bindparam("ids", expanding=True))
)
_COUNTERS = (_POSTS.c.up_count, _POSTS.c.down_count, _POSTS.c.support, _POSTS.c.hot_score)
_ADD_TO_COUNTERS = (
    update(_POSTS)
    .where(_POSTS.c.id == bindparam("post"))
    .values(
        up_count=_POSTS.c.up_count + bindparam("up"),
        down_count=_POSTS.c.down_count + bindparam("down"),
        support=_POSTS.c.support + bindparam("up") - bindparam("down"),
        hot_score=_POSTS.c.hot_score + bindparam("heat"),
    )
    .returning(*_COUNTERS)  # the new counts in the same statement (no second read)
)


@functools.cache
def _to_vote_on():
    """The post a vote is cast on, with the voter's vote on it (none: NULLs), in one statement. The
    post's own row only: not its photos, author or category (loaded with every post otherwise;
    auto-forwarding reads the category when it forwards). Built on first use, once: its loader
    options set the mappers up, which needs every model imported (not yet when this module is)."""
    return (
        select(Post, _VOTES.c.value, _VOTES.c.created_at)
        .outerjoin(_VOTES, and_(_VOTES.c.post_id == Post.id, _VOTES.c.user_id == bindparam("user")))
        .where(Post.id == bindparam("post"))
        .options(lazyload(Post.photos), lazyload(Post.author), lazyload(Post.category))
    )


class HeldVote(NamedTuple):
    """A user's vote on a post as it stands: its value (1 or -1) and when it was cast."""

    value: int
    created_at: datetime


_NOT_READ = HeldVote(0, datetime.min)  # (cast_vote reads the held vote itself)


class VoteError(DomainError):
    """The vote is not allowed (closed post, own post, opposing a problem, blocked user)."""


def user_vote(user, post: Post) -> int:
    """The user's current vote on the post: 1, -1 or 0."""
    if not user.is_authenticated:
        return 0
    return db.session.scalar(select(Vote.value).where(Vote.user_id == user.id, Vote.post_id == post.id)) or 0


def user_votes(user, post_ids: list[int]) -> dict[int, int]:
    """The user's votes on many posts at once (one query for a whole list page)."""
    if not user.is_authenticated or not post_ids:
        return {}
    return dict(db.session.execute(_MINE_AMONG, {"user": user.id, "ids": post_ids}).all())


def post_to_vote_on(user, post_id: int) -> tuple[Post, HeldVote | None] | None:
    """The post (its own row) and the user's vote on it, read together; None when there is no such post."""
    row = db.session.execute(_to_vote_on(), {"post": post_id, "user": user.id}).first()
    if row is None:
        return None
    post, value, created_at = row
    return post, None if value is None else HeldVote(value, created_at)


def check_vote_allowed(user, post: Post, value: int) -> None:
    """Raise VoteError unless the user may cast this vote on this post."""
    if not can_participate(user):
        raise VoteError(_("Your account may not vote."))
    if value not in (SUPPORT, OPPOSE):
        raise VoteError(_("Unknown vote."))
    if post.status not in OPEN_STATUSES or post.is_hidden:
        raise VoteError(_("This post is closed for votes."))
    if post.author_id == user.id:
        raise VoteError(_("You cannot vote on your own post."))
    if post.kind is PostKind.PROBLEM and value == OPPOSE:
        raise VoteError(_("Problems can only be supported."))
    vote_checking.send(post, user=user)


def cast_vote(user, post: Post, value: int, *, held: HeldVote | None = _NOT_READ) -> int:
    """Vote; the same vote again takes it back, the other one changes it. Returns the vote now held.

    `held`: the user's vote on the post as read in this transaction (`post_to_vote_on`), not read again."""
    check_vote_allowed(user, post, value)
    for attempt in range(3):  # another request of the same user may change the row between steps
        keys = {"user": user.id, "post": post.id}
        current = held if attempt == 0 and held is not _NOT_READ else db.session.execute(_HELD, keys).first()
        now = utcnow()
        if current is None:
            inserted = db.session.execute(_add_statement(), {**keys, "value": value, "now": now}).first()
            if inserted is None:
                continue
            _change_counters(post, added=(value, now))
            result = value
        elif current.value == value:
            removed = db.session.execute(_TAKE_BACK, {**keys, "held": value})
            if removed.rowcount != 1:
                continue
            _change_counters(post, removed=(current.value, current.created_at))
            result = 0
        else:
            changed = db.session.execute(_CHANGE, {**keys, "held": current.value, "value": value, "now": now})
            if changed.rowcount != 1:
                continue
            _change_counters(post, removed=(current.value, current.created_at), added=(value, now))
            result = value
        vote_changed.send(post, user=user, value=result)
        return result
    raise VoteError(_("Your vote changed at the same moment elsewhere. Please try again."))


_ADD: dict[str, object] = {}  # dialect -> INSERT … ON CONFLICT DO NOTHING of a vote


def _add_statement():
    dialect = db.session.get_bind().dialect.name
    if dialect not in _ADD:
        _ADD[dialect] = insert_ignoring_conflict(
            _VOTES,
            returning=_VOTES.c.id,
            user_id=bindparam("user"),
            post_id=bindparam("post"),
            value=bindparam("value"),
            created_at=bindparam("now"),
        )
    return _ADD[dialect]


def support_instead(user, post: Post, *, follow_only: bool = False) -> None:
    """ "Me too" in one click instead of a new post: support the post (unless already) and follow it."""
    if not follow_only and user_vote(user, post) != SUPPORT:
        cast_vote(user, post, SUPPORT)
    follow_post(user, post)


@dataclass(frozen=True)
class MovedSupport:
    """One supporter taken off a post: added to the other post unless already counted there."""

    user_id: int
    voted_at: datetime
    added: bool


def move_supports(source: Post, target: Post) -> list[MovedSupport]:
    """Move the supporters of `source` to `target`, each voter counted once there; counters stay exact.

    A vote keeps its time (an old vote adds old heat to the hot order). A voter who already voted on
    the target, or wrote it, keeps their own vote there and only leaves the source."""
    rows = db.session.execute(
        select(Vote.user_id, Vote.created_at).where(Vote.post_id == source.id, Vote.value == SUPPORT)
    ).all()
    moved = []
    for user_id, voted_at in rows:
        taken = db.session.execute(
            delete(Vote).where(Vote.post_id == source.id, Vote.user_id == user_id, Vote.value == SUPPORT)
        )
        if taken.rowcount != 1:  # withdrawn at this moment: nothing to move
            continue
        _change_counters(source, removed=(SUPPORT, voted_at))
        added = user_id != target.author_id and _add_support(target, user_id, voted_at)
        moved.append(MovedSupport(user_id, voted_at, added))
    return moved


def return_supports(source: Post, target: Post, moved: list[MovedSupport]) -> int:
    """Undo move_supports: each vote goes back to `source`; a vote added to `target` leaves it only if it
    is still the moved one (a voter who withdrew or changed it since keeps their choice). Returns the
    votes back on `source`."""
    returned = 0
    for support in moved:
        if support.added:
            taken = db.session.execute(
                delete(Vote).where(
                    Vote.post_id == target.id,
                    Vote.user_id == support.user_id,
                    Vote.value == SUPPORT,
                    Vote.created_at == support.voted_at,
                )
            )
            if taken.rowcount != 1:
                continue  # the voter withdrew the moved vote: they do not support it again elsewhere
            _change_counters(target, removed=(SUPPORT, support.voted_at))
        returned += _add_support(source, support.user_id, support.voted_at)
    return returned


def _add_support(post: Post, user_id: int, voted_at: datetime) -> bool:
    inserted = db.session.execute(
        insert_ignoring_conflict(
            Vote, returning=Vote.id, user_id=user_id, post_id=post.id, value=SUPPORT, created_at=voted_at
        )
    ).first()
    if inserted is None:
        return False
    _change_counters(post, added=(SUPPORT, voted_at))
    return True


def _change_counters(post: Post, *, added=None, removed=None) -> None:
    up = down = 0
    heat = 0.0
    for sign, vote in ((1, added), (-1, removed)):
        if vote is None:
            continue
        value, moment = vote
        up += sign * (value == SUPPORT)
        down += sign * (value == OPPOSE)
        heat += sign * value * hot.weight(moment)
    row = db.session.execute(_ADD_TO_COUNTERS, {"post": post.id, "up": up, "down": down, "heat": heat}).one()
    for column, value in zip(_COUNTERS, row, strict=True):
        set_committed_value(post, column.key, value)
