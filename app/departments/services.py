"""A department's triage: its queue, official responses, internal notes and assignments."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.accounts.permissions import is_staff_of
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.pagination import Page, paginate
from app.core.text import clean_text, isolate
from app.departments.models import RESPONSE_ACTIONS, Assignment, Department, InternalNote, ResponseTemplate
from app.extensions import db
from app.moderation import audit, workflow
from app.moderation.models import StatusChange
from app.moderation.signals import post_status_changed
from app.posts.models import Post, PostStatus
from app.search.queries import matching_post_ids

QUEUE_STATUSES = (PostStatus.FORWARDED, PostStatus.IN_PROGRESS)
CLOSED_STATUSES = (PostStatus.RESOLVED, PostStatus.DECLINED)
NOTE_MAX = 2000
SEARCH_MAX = 100


class TriageError(DomainError):
    """A triage rule was broken; `field` names the form field the message belongs to."""


class QueueSort(enum.StrEnum):
    SUPPORT = "support"
    AGE = "age"
    ACTIVITY = "activity"
    DISTANCE = "distance"


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[PostStatus, ...] = QUEUE_STATUSES
    category_id: int | None = None
    older_than_days: int | None = None
    has_location: bool | None = None
    assignee_id: int | None = None  # 0: nobody
    text: str | None = None
    near: tuple[float, float] | None = None  # (latitude, longitude) for the distance order


def _with_words(query: Select, department: Department, text: str) -> Select:
    """Narrow a query of the department's posts to those the search index finds for the words (the
    same analyzer as the search page: Persian forms, digits and suffixes meet)."""
    ids = matching_post_ids(clean_text(text)[:SEARCH_MAX], department_id=department.id)
    return query.where(Post.id.in_(ids or []))


def department_queue_query(department: Department, filters: QueueFilter, sort: QueueSort) -> Select:
    query = select(Post).where(Post.department_id == department.id, Post.status.in_(filters.statuses))
    if filters.category_id is not None:
        query = query.where(Post.category_id == filters.category_id)
    if filters.older_than_days:
        query = query.where(Post.created_at <= utcnow() - timedelta(days=filters.older_than_days))
    if filters.has_location is True:
        query = query.where(Post.latitude.is_not(None), Post.longitude.is_not(None))
    elif filters.has_location is False:
        query = query.where(or_(Post.latitude.is_(None), Post.longitude.is_(None)))
    if filters.assignee_id == 0:
        query = query.where(~Post.id.in_(select(Assignment.post_id)))
    elif filters.assignee_id is not None:
        query = query.where(
            Post.id.in_(select(Assignment.post_id).where(Assignment.assignee_id == filters.assignee_id))
        )
    if filters.text:
        query = _with_words(query, department, filters.text)
    if sort is QueueSort.DISTANCE and filters.near is not None:
        lat, lon = filters.near
        # Equirectangular distance: exact enough to order places within a city, plain SQL everywhere.
        dx = (Post.longitude - lon) * math.cos(math.radians(lat))
        dy = Post.latitude - lat
        return query.order_by(Post.latitude.is_(None), dx * dx + dy * dy, Post.id)
    order = {
        QueueSort.SUPPORT: (Post.support.desc(), Post.created_at),
        QueueSort.AGE: (Post.created_at, Post.id),
        QueueSort.ACTIVITY: (Post.last_activity_at.desc(), Post.id.desc()),
        QueueSort.DISTANCE: (Post.support.desc(), Post.created_at),  # no point given: by support
    }[sort]
    return query.order_by(*order)


def department_queue(department: Department, filters: QueueFilter, sort: QueueSort, page: int, per_page: int) -> Page:
    """One page of the department's posts."""
    return paginate(department_queue_query(department, filters, sort), page, per_page)


def distance_km(post: Post, near: tuple[float, float] | None) -> float | None:
    """Great-circle distance from the point to the post's location, for display."""
    if near is None or not post.has_location:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (near[0], near[1], post.latitude, post.longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def queue_counts(department: Department) -> dict[PostStatus, int]:
    rows = db.session.execute(
        select(Post.status, func.count()).where(Post.department_id == department.id).group_by(Post.status)
    )
    return dict(rows.all())


def staff_members(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.STAFF, User.department_id == department_id, User.is_blocked.is_(False))
            .order_by(User.display_name, User.id)
        )
    )


def assignments(post_ids: list[int]) -> dict[int, Assignment]:
    if not post_ids:
        return {}
    return {a.post_id: a for a in db.session.scalars(select(Assignment).where(Assignment.post_id.in_(post_ids)))}


def assign_post(post: Post, assignee: User | None, actor) -> None:
    """Give the post to a staff member of its department, or to nobody."""
    if post.status not in QUEUE_STATUSES:
        raise TriageError(_("Only forwarded and in-progress posts are assigned."))
    current = db.session.get(Assignment, post.id)
    if assignee is None:
        if current is None:
            raise TriageError(_("Nobody is assigned to this post."), "assignee")
        db.session.delete(current)
        audit.record(actor, "unassign", post, department_id=post.department_id)
        return
    if assignee.role is not Role.STAFF or not is_staff_of(assignee, post.department_id) or assignee.is_blocked:
        raise TriageError(_("Choose a staff member of this post's department."), "assignee")
    if current is not None and current.assignee_id == assignee.id:
        raise TriageError(
            _("The post is already assigned to %(name)s.", name=isolate(assignee.display_name)), "assignee"
        )
    if current is None:
        current = Assignment(post_id=post.id)
        db.session.add(current)
    current.assignee_id, current.assigned_by_id, current.assigned_at = assignee.id, actor.id, utcnow()
    audit.record(
        actor,
        "assign",
        post,
        department_id=post.department_id,
        details={"assignee": assignee.id, "name": assignee.display_name},
    )


@post_status_changed.connect
def _drop_assignment(post: Post, change: StatusChange, **_extra) -> None:
    """A post that leaves the department (hand back, duplicate…) is nobody's task any more."""
    if change.action in ("hand_back", "forward", "mark_duplicate", "withdraw"):
        db.session.execute(delete(Assignment).where(Assignment.post_id == post.id))


def add_internal_note(post: Post, author, body: str) -> InternalNote:
    """A note only the department's staff and the moderators read."""
    body = clean_text(body, multiline=True)
    if not body:
        raise TriageError(_("Write the note first."), "body")
    if len(body) > NOTE_MAX:
        raise TriageError(_("The note must be at most %(max)d characters long.", max=NOTE_MAX), "body")
    note = InternalNote(post_id=post.id, author_id=author.id, department_id=post.department_id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(author, "internal_note", note, post_id=post.id, department_id=post.department_id)
    return note


def internal_notes(post: Post) -> list[InternalNote]:
    return list(
        db.session.scalars(
            select(InternalNote)
            .where(InternalNote.post_id == post.id)
            .order_by(InternalNote.created_at, InternalNote.id)
        )
    )


# The order a department usually answers in, from each status: the next step comes first.
_USUAL_ORDER = {
    PostStatus.FORWARDED: ("acknowledge", "start", "resolve", "decline"),
    PostStatus.IN_PROGRESS: ("resolve", "decline"),
}


def usual_order(post: Post, moves: list, changes: list[StatusChange]) -> list:
    """The department's responses with its usual next step first: acknowledge a new forward, start
    work once acknowledged, resolve work in progress; declining comes last."""
    order = list(_USUAL_ORDER.get(post.status, ()))
    forwards = [i for i, change in enumerate(changes) if change.action in ("forward", "reopen")]
    since_forward = changes[forwards[-1] + 1 :] if forwards else changes
    if post.status is PostStatus.FORWARDED and any(c.action == "acknowledge" for c in since_forward):
        order.remove("acknowledge")
        order.insert(2, "acknowledge")  # acknowledged already: start (or resolve) is next
    rank = {action: i for i, action in enumerate(order)}
    return sorted(moves, key=lambda move: rank.get(move.action, len(rank)))


def response_templates(department_id: int | None, action: str | None = None, *, active_only: bool = True):
    """The department's response templates (for one action, if given), in their order."""
    query = select(ResponseTemplate).where(ResponseTemplate.department_id == department_id)
    if action is not None:
        query = query.where(ResponseTemplate.action == action)
    if active_only:
        query = query.where(ResponseTemplate.is_active.is_(True))
    return list(
        db.session.scalars(query.order_by(ResponseTemplate.action, ResponseTemplate.position, ResponseTemplate.id))
    )


def respond(post: Post, action: str, actor, *, template: ResponseTemplate | None = None, note: str | None = None):
    """A department's official move with its public response (typed, from a template, or both)."""
    if action not in (*RESPONSE_ACTIONS, "hand_back"):
        raise TriageError(_("Unknown action."), "action")
    if template is not None:
        usable = template.is_active and template.action == action and template.department_id == post.department_id
        if not usable:
            raise TriageError(_("That response template cannot be used here."), "template")
    note = clean_text(note, multiline=True) or (template.body if template is not None else None)
    return workflow.transition(post, action, actor, note=note)


def first_responses(post_ids: list[int], session: Session | None = None) -> dict[int, dict]:
    """For each post: when it was last forwarded, first answered officially and closed (CSV)."""
    if not post_ids:
        return {}
    rows = (session or db.session).execute(
        select(StatusChange.post_id, StatusChange.action, StatusChange.is_official, StatusChange.created_at)
        .where(StatusChange.post_id.in_(post_ids))
        .order_by(StatusChange.post_id, StatusChange.created_at, StatusChange.id)
    )
    facts: dict[int, dict] = {}
    for post_id, action, is_official, created_at in rows:
        entry = facts.setdefault(post_id, {})
        if action == "forward":
            entry["forwarded_at"] = created_at
        elif is_official and "forwarded_at" in entry and "first_response_at" not in entry:
            entry["first_response_at"] = created_at
        if action in ("resolve", "decline"):
            entry["closed_at"] = created_at
    return facts
