"""Flags: residents report posts and comments; enough flags hide the item until a moderator decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.accounts.permissions import can_participate
from app.core.db import insert_ignoring_conflict, utcnow
from app.core.errors import DomainError
from app.core.text import clean_text
from app.extensions import db
from app.moderation import audit
from app.moderation.models import AuditEntry, Flag, FlagReason, FlagStatus
from app.moderation.settings import thresholds
from app.moderation.signals import content_hidden, content_restored
from app.moderation.trust import counts_for_auto_hide, flags_needed_to_hide
from app.posts.models import Comment, Post

NOTE_MAX = 500


class FlagError(DomainError):
    """The flag or the decision is not possible (HTTP 4xx with this message)."""


def _target(item: Post | Comment) -> tuple[int, int | None]:
    return (item.post_id, item.id) if isinstance(item, Comment) else (item.id, None)


def _is_visible(item: Post | Comment) -> bool:
    if isinstance(item, Comment):
        return not item.is_hidden and item.post.is_public
    return item.is_public


def flag(user, item: Post | Comment, reason: FlagReason, note: str | None = None) -> Flag:
    """Flag a visible post or comment once; hides it when the open flags reach the threshold."""
    if not can_participate(user):
        raise FlagError(_("Your account may not flag content."))
    if item.author_id == user.id:
        raise FlagError(_("You cannot flag what you wrote yourself."))
    if not _is_visible(item):
        raise FlagError(_("This is already hidden while moderators review it."))
    note = clean_text(note, multiline=True) or None
    if note and len(note) > NOTE_MAX:
        raise FlagError(_("The note must be at most %(max)d characters long.", max=NOTE_MAX))
    if reason is FlagReason.OTHER and not note:
        raise FlagError(_("Please say what is wrong."))
    post_id, comment_id = _target(item)
    flag_id = db.session.execute(
        insert_ignoring_conflict(
            Flag,
            returning=Flag.id,
            post_id=post_id,
            comment_id=comment_id,
            user_id=user.id,
            reason=reason,
            note=note,
            status=FlagStatus.OPEN,
            created_at=utcnow(),
        )
    ).scalar()
    if flag_id is None:
        raise FlagError(_("You have already flagged this. Moderators will look at it."))
    # Every flag reaches the queue; only trusted accounts' flags hide the item before a moderator looks.
    if _counted_flag_count(item) >= flags_needed_to_hide(item, thresholds().flag_hide):
        _hide(item, None, reason, None)
    return db.session.get(Flag, flag_id)


def _open_flag_count(post_id: int, comment_id: int | None) -> int:
    query = select(func.count()).select_from(Flag).where(Flag.post_id == post_id, Flag.status == FlagStatus.OPEN)
    query = query.where(Flag.comment_id == comment_id if comment_id else Flag.comment_id.is_(None))
    return db.session.scalar(query)


def _counted_flag_count(item: Post | Comment) -> int:
    flaggers = db.session.scalars(
        select(User).join(Flag, Flag.user_id == User.id).where(Flag.id.in_(_flags_of(item).with_only_columns(Flag.id)))
    )
    return sum(1 for user in flaggers if counts_for_auto_hide(user))


def _flags_of(item: Post | Comment):
    post_id, comment_id = _target(item)
    query = select(Flag).where(Flag.post_id == post_id, Flag.status == FlagStatus.OPEN)
    return query.where(Flag.comment_id == comment_id if comment_id else Flag.comment_id.is_(None))


def _set_hidden(item: Post | Comment, hidden: bool) -> None:
    if isinstance(item, Comment):
        _set_comment_hidden(item, hidden)
    elif item.is_hidden != hidden:
        item.is_hidden = hidden  # through the attribute: its listener keeps Post.is_listed right


def _set_comment_hidden(comment: Comment, hidden: bool) -> None:
    """Hide or show a comment; the post's counter (visible comments only) moves only if this very
    statement changed the row: two decisions at once (PostgreSQL reads committed rows) count once."""
    changed = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.is_hidden.is_not(hidden)).values(is_hidden=hidden),
        execution_options={"synchronize_session": False},
    ).rowcount
    set_committed_value(comment, "is_hidden", hidden)
    if changed:
        db.session.execute(
            update(Post)
            .where(Post.id == comment.post_id)
            .values(comment_count=Post.comment_count + (-1 if hidden else 1)),
            execution_options={"synchronize_session": False},
        )


def _hide(item: Post | Comment, actor, reason: FlagReason, note: str | None) -> None:
    automatic = actor is None
    _set_hidden(item, True)
    audit.record(
        actor,
        "auto_hide" if automatic else "hide",
        item,
        note=note,
        details={"reason": reason.value, "flags": _open_flag_count(*_target(item))},
    )
    db.session.flush()
    content_hidden.send(item, reason=reason, note=note, automatic=automatic)


def _decide(item: Post | Comment, actor, status: FlagStatus) -> int:
    now = utcnow()
    flags = list(db.session.scalars(_flags_of(item)))
    for row in flags:
        row.status, row.decided_at, row.decided_by_id = status, now, actor.id
    return len(flags)


def uphold(actor, item: Post | Comment, reason: FlagReason, note: str | None = None) -> None:
    """Hide the item for good (flagged or not) and tell its author why."""
    note = clean_text(note, multiline=True) or None
    if note and len(note) > NOTE_MAX:
        raise FlagError(_("The note must be at most %(max)d characters long.", max=NOTE_MAX))
    was_hidden = item.is_hidden
    count = _decide(item, actor, FlagStatus.UPHELD)
    _set_hidden(item, True)
    audit.record(
        actor, "uphold_flags" if count else "hide", item, note=note, details={"reason": reason.value, "flags": count}
    )
    db.session.flush()
    # An author told "hidden while reviewed" now hears the decision; others hear it for the first time.
    content_hidden.send(item, reason=reason, note=note, automatic=False, was_hidden=was_hidden)


def dismiss(actor, item: Post | Comment) -> None:
    """Keep the item: close its open flags and show it again if the flags had hidden it."""
    count = _decide(item, actor, FlagStatus.DISMISSED)
    if not count and not item.is_hidden:
        raise FlagError(_("There are no open flags on this."))
    was_hidden = item.is_hidden
    _set_hidden(item, False)
    audit.record(actor, "dismiss_flags", item, details={"flags": count, "was_hidden": was_hidden})
    db.session.flush()
    if was_hidden:
        content_restored.send(item)


@dataclass
class FlagGroup:
    """All open flags on one item, for the moderators' flags tab."""

    post: Post
    comment: Comment | None
    count: int
    first_at: datetime
    last_at: datetime
    reasons: dict[FlagReason, int] = field(default_factory=dict)
    notes: list[Flag] = field(default_factory=list)

    @property
    def item(self) -> Post | Comment:
        return self.comment or self.post


def open_flag_groups(page: int, per_page: int) -> tuple[list[FlagGroup], bool]:
    """One page of flagged items, most flagged first; and whether a next page exists."""
    groups_query = (
        select(
            Flag.post_id,
            Flag.comment_id,
            func.count().label("n"),
            func.min(Flag.created_at).label("first"),
            func.max(Flag.created_at).label("last"),
        )
        .where(Flag.status == FlagStatus.OPEN)
        .group_by(Flag.post_id, Flag.comment_id)
        .order_by(func.count().desc(), func.min(Flag.created_at), Flag.post_id)
        .limit(per_page + 1)
        .offset((max(page, 1) - 1) * per_page)
    )
    rows = db.session.execute(groups_query).all()
    has_next, rows = len(rows) > per_page, rows[:per_page]
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_({r.post_id for r in rows})))}
    comment_ids = {r.comment_id for r in rows if r.comment_id}
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))}
    groups = {
        (r.post_id, r.comment_id): FlagGroup(posts[r.post_id], comments.get(r.comment_id), r.n, r.first, r.last)
        for r in rows
    }
    if groups:
        detail = select(Flag).where(Flag.status == FlagStatus.OPEN, Flag.post_id.in_(posts)).order_by(Flag.created_at)
        for row in db.session.scalars(detail):
            group = groups.get((row.post_id, row.comment_id))
            if group is None:
                continue
            group.reasons[row.reason] = group.reasons.get(row.reason, 0) + 1
            if row.note:
                group.notes.append(row)
    return list(groups.values()), has_next


def open_flagged_item_count() -> int:
    """How many posts and comments have open flags (part of the moderators' waiting count)."""
    inner = select(Flag.post_id, Flag.comment_id).where(Flag.status == FlagStatus.OPEN).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(inner))


def flagged_among(user, post_ids: list[int]) -> set[int]:
    """Which of these posts (not their comments) the user flagged: one query."""
    if not user.is_authenticated or not post_ids:
        return set()
    return set(db.session.scalars(_FLAGGED, {"user": user.id, "ids": post_ids}))


# Asked by every shared post page (its flag link is a hole): built once.
_FLAGGED = select(Flag.post_id).where(
    Flag.user_id == bindparam("user"), Flag.post_id.in_(bindparam("ids", expanding=True)), Flag.comment_id.is_(None)
)


def has_flagged(user, item: Post | Comment) -> bool:
    if not user.is_authenticated:
        return False
    post_id, comment_id = _target(item)
    query = select(Flag.id).where(Flag.user_id == user.id, Flag.post_id == post_id)
    query = query.where(Flag.comment_id == comment_id if comment_id else Flag.comment_id.is_(None))
    return db.session.scalar(query.limit(1)) is not None


def hidden_reason(item: Post | Comment) -> AuditEntry | None:
    """The latest decision that hid the item (for the banner its author sees)."""
    if not item.is_hidden:
        return None
    return db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.subject_type == item.__tablename__,
            AuditEntry.subject_id == item.id,
            AuditEntry.action.in_(("auto_hide", "hide", "uphold_flags")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
