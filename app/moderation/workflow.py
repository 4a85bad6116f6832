"""The life of a post: the one table of allowed status changes, and the only code that changes status.

Every transition checks that the actor may make it, writes a StatusChange (the public timeline),
announces it (notifications, search) and is undone by nothing but another transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.permissions import can_moderate, can_participate, is_staff_of
from app.core.db import utcnow
from app.core.errors import DomainConflictError, DomainForbiddenError
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.extensions import db
from app.moderation import duplicates
from app.moderation.models import StatusChange
from app.moderation.signals import post_status_changed
from app.posts import hot
from app.posts.follows import follow_post, is_following
from app.posts.labels import status_label
from app.posts.models import Post, PostKind
from app.posts.models import PostStatus as S

NOTE_MAX = 2000


class TransitionError(DomainConflictError):
    """The move is not possible from the post's current status (HTTP 409)."""


class TransitionForbiddenError(DomainForbiddenError):
    """The actor may not make this move on this post (HTTP 403)."""


def _moderator(user, post: Post) -> bool:
    return can_moderate(user)


def _another_moderator(user, post: Post) -> bool:
    """Approving is a second pair of eyes: a moderator's own post waits for another moderator."""
    return can_moderate(user) and post.author_id != user.id


def _department_staff(user, post: Post) -> bool:
    return is_staff_of(user, post.department_id)


def _moderator_or_staff(user, post: Post) -> bool:
    return can_moderate(user) or is_staff_of(user, post.department_id)


def _concerned_resident(user, post: Post) -> bool:
    """The author or a follower of the post: those asked "is it fixed?" (app.fixes)."""
    if post.kind is not PostKind.PROBLEM or not can_participate(user):
        return False
    return user.id == post.author_id or is_following(user, post)


def _author(user, post: Post) -> bool:
    return can_participate(user) and user.id == post.author_id


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S | None  # None: back to the status the post came from (see came_from)
    allowed: Callable[[object, Post], bool]
    label: object  # lazy translated verb for buttons
    needs_note: bool = False
    official: bool = False  # a department's public response
    # Made by residents from their own form ("is it fixed?", withdraw: a confirmation page), never from
    # the workflow buttons.
    residents_answer: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("approve", frozenset({S.PENDING}), S.PUBLISHED, _another_moderator, _l("Approve")),
        Transition("reject", frozenset({S.PENDING}), S.REJECTED, _moderator, _l("Reject"), needs_note=True),
        Transition(
            "mark_duplicate", frozenset({S.PENDING, S.PUBLISHED}), S.DUPLICATE, _moderator, _l("Mark as duplicate")
        ),
        # Undo: the post goes back to where it was marked from; supporters moved with it come back.
        Transition("not_duplicate", frozenset({S.DUPLICATE}), None, _moderator, _l("Not a duplicate (undo)")),
        Transition("forward", frozenset({S.PUBLISHED}), S.FORWARDED, _moderator, _l("Forward to a department")),
        Transition(
            "hand_back",
            frozenset({S.FORWARDED, S.IN_PROGRESS}),
            S.PUBLISHED,
            _moderator_or_staff,
            _l("Hand back to moderation"),
            needs_note=True,
        ),
        Transition(
            "acknowledge",
            frozenset({S.FORWARDED}),
            S.FORWARDED,
            _department_staff,
            _l("Acknowledge"),
            needs_note=True,
            official=True,
        ),
        Transition(
            "start", frozenset({S.FORWARDED}), S.IN_PROGRESS, _department_staff, _l("Start work"), official=True
        ),
        Transition(
            "resolve",
            frozenset({S.FORWARDED, S.IN_PROGRESS}),
            S.RESOLVED,
            _department_staff,
            _l("Resolve"),
            needs_note=True,
            official=True,
        ),
        Transition(
            "decline",
            frozenset({S.FORWARDED, S.IN_PROGRESS}),
            S.DECLINED,
            _department_staff,
            _l("Decline"),
            needs_note=True,
            official=True,
        ),
        # "Not fixed": the post stays resolved, the timeline shows the resident's note, and the
        # moderators (app.fixes lists disputed posts) decide whether to reopen it.
        Transition(
            "dispute",
            frozenset({S.RESOLVED}),
            S.RESOLVED,
            _concerned_resident,
            _l("It is not fixed"),
            needs_note=True,
            residents_answer=True,
        ),
        Transition("reopen", frozenset({S.RESOLVED, S.DECLINED}), S.FORWARDED, _moderator, _l("Reopen")),
        # The author takes their post back, whatever became of it: it leaves every public list, its votes
        # stay counted but frozen, and its timeline (with the city's answers) stays on record. Final.
        Transition(
            "withdraw",
            frozenset(S) - {S.WITHDRAWN},
            S.WITHDRAWN,
            _author,
            _l("Withdraw my post"),
            residents_answer=True,
        ),
    )
}


def may_make(user, move: Transition, post: Post) -> bool:
    """True if the user's role allows this move on this post; blocked accounts make no moves."""
    return not getattr(user, "is_blocked", False) and move.allowed(user, post)


def available_transitions(user, post: Post) -> list[Transition]:
    """The moves this user may make on this post now (for buttons; transition() re-checks)."""
    return [
        t
        for t in TRANSITIONS.values()
        if post.status in t.sources and not t.residents_answer and may_make(user, t, post)
    ]


def transition(
    post: Post,
    action: str,
    actor,
    *,
    note: str | None = None,
    department=None,
    original: Post | None = None,
    move_supporters: bool = False,
) -> StatusChange:
    """Move the post by the named action; raises TransitionError or TransitionForbiddenError.

    `move_supporters` (mark_duplicate only) moves the duplicate's supporters to the original."""
    move = TRANSITIONS.get(action)
    if move is None:
        raise TransitionError(_("Unknown action."))
    if actor is not None and not may_make(actor, move, post):
        raise TransitionForbiddenError(_("You may not do this to this post."))
    if post.status not in move.sources:
        raise TransitionError(
            _("This cannot be done to a post that is %(status)s.", status=status_label(post.status).lower())
        )
    note = clean_text(note, multiline=True) or None
    if move.needs_note and not note:
        raise TransitionError(_("Please write a note: the author and the public will read it."))
    if note and len(note) > NOTE_MAX:
        raise TransitionError(_("The note must be at most %(max)d characters long.", max=NOTE_MAX))

    previous_department_id = post.department_id  # a hand-back is recorded against the department that gave it
    target = move.target or came_from(post)
    _apply_side_effects(post, action, actor, department=department, original=original, move_supporters=move_supporters)
    change = StatusChange(
        post_id=post.id,
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else None,
        action=action,
        from_status=post.status,
        to_status=target,
        note=note,
        department_id=post.department_id or previous_department_id,
        is_official=move.official,
    )
    post.status = target
    post.last_activity_at = utcnow()
    db.session.add(change)
    db.session.flush()
    if has_app_context():
        g.pop("_timelines", None)
    post_status_changed.send(post, change=change)
    return change


def came_from(post: Post) -> S:
    """The status the post had before it became what it is now (where "not a duplicate" takes it)."""
    previous = db.session.scalar(
        select(StatusChange.from_status)
        .where(StatusChange.post_id == post.id, StatusChange.to_status == post.status)
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        .limit(1)
    )
    return previous or (S.PUBLISHED if post.published_at is not None else S.PENDING)


def _apply_side_effects(
    post: Post, action: str, actor, *, department, original: Post | None, move_supporters: bool = False
) -> None:
    if action == "approve" and post.published_at is None:
        post.published_at = utcnow()
        # Publication counts as one vote in the hot order, so new posts start near the top.
        db.session.execute(
            update(Post).where(Post.id == post.id).values(hot_score=Post.hot_score + hot.weight(post.published_at)),
            execution_options={"synchronize_session": False},
        )
        db.session.refresh(post, ["hot_score"])
    elif action == "forward":
        department = department or (post.category.default_department if post.category else None)
        if department is None or not department.is_active:
            raise TransitionError(_("Choose the department to forward to."))
        post.department_id = department.id
    elif action == "hand_back":
        post.department_id = None
    elif action == "mark_duplicate":
        _mark_duplicate(post, original)
        if move_supporters:
            duplicates.move_supporters(post, original, actor)
    elif action == "not_duplicate":
        duplicates.undo_duplicate(post, actor)
    elif action == "withdraw" and post.status is S.DUPLICATE and post.duplicate_of_id is not None:
        # The original counts the repeats that are still there to see.
        db.session.execute(
            update(Post)
            .where(Post.id == post.duplicate_of_id, Post.duplicate_count > 0)
            .values(duplicate_count=Post.duplicate_count - 1),
            execution_options={"synchronize_session": False},
        )


def check_original(post: Post, original: Post | None) -> None:
    """Raise TransitionError unless `original` may be the post that `post` repeats."""
    if original is None or original.id == post.id:
        raise TransitionError(_("Choose the original post this one duplicates."), "original")
    if not original.is_public or original.status is S.DUPLICATE:
        raise TransitionError(_("The original must be a public post that is not itself a duplicate."), "original")


def _mark_duplicate(post: Post, original: Post | None) -> None:
    check_original(post, original)
    post.duplicate_of_id = original.id
    db.session.execute(
        update(Post).where(Post.id == original.id).values(duplicate_count=Post.duplicate_count + 1),
        execution_options={"synchronize_session": False},
    )
    follow_post(post.author, original)  # the author hears about the original from now on


def timeline(post: Post) -> list[StatusChange]:
    """The post's status changes, oldest first; read once per request (the public timeline and the
    staff's next step both ask), and read again after any move."""
    cache = g.setdefault("_timelines", {}) if has_app_context() else {}
    if post.id not in cache:
        cache[post.id] = list(
            db.session.scalars(
                db.select(StatusChange)
                .where(StatusChange.post_id == post.id)
                .order_by(StatusChange.created_at, StatusChange.id)
            )
        )
    return list(cache[post.id])
