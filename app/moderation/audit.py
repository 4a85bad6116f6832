"""The audit log: every moderation, staff and admin action, who made it, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from app.accounts.permissions import can_administer, can_moderate
from app.core.pagination import Page, paginate
from app.extensions import db
from app.moderation.models import AuditEntry, StatusChange
from app.moderation.signals import post_status_changed


def record(
    actor,
    action: str,
    subject,
    *,
    note: str | None = None,
    details: dict | None = None,
    post_id: int | None = None,
    department_id: int | None = None,
) -> AuditEntry:
    """Add one audit entry about `subject` (a model instance); part of the caller's transaction."""
    subject_type = subject.__tablename__
    if post_id is None and subject_type == "post":
        post_id = subject.id
    elif post_id is None:
        post_id = getattr(subject, "post_id", None)
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=_identity(subject),
        post_id=post_id,
        department_id=department_id,
        note=note or None,
        details=details or None,
    )
    db.session.add(entry)
    return entry


def _identity(subject) -> int | None:
    value = getattr(subject, "id", None)
    if value is None:  # rows keyed by something else (e.g. Assignment by post_id)
        value = getattr(subject, "post_id", None)
    return value if isinstance(value, int) else None


@post_status_changed.connect
def _record_transition(post, change: StatusChange, **_extra) -> None:
    details = {"from": change.from_status.value, "to": change.to_status.value}
    if change.actor_id is None:
        details["automatic"] = True
    db.session.add(
        AuditEntry(
            actor_id=change.actor_id,
            action=change.action,
            subject_type="post",
            subject_id=post.id,
            post_id=post.id,
            department_id=change.department_id,
            note=change.note,
            details=details,
        )
    )


# What moderators read of the log: what is done to posts, comments and residents' accounts, the
# work they share (each post's public moves, flags, blocks). Roles, thresholds, templates,
# departments and categories (administration), and the departments' internal notes and
# assignments stay with admins, who read everything.
MODERATOR_ACTIONS = frozenset(
    {
        "approve", "reject", "mark_duplicate", "forward", "hand_back", "acknowledge", "start", "resolve",
        "decline", "reopen", "recategorise", "retitle", "auto_hide", "hide", "uphold_flags", "dismiss_flags",
        "block", "unblock", "not_duplicate", "move_supporters", "return_supporters", "withdraw", "edit_post",
        "review_edits",
    }
)  # fmt: skip


def visible_actions(user) -> frozenset[str] | None:
    """The actions of the log this user may read (None: all of them)."""
    if can_administer(user):
        return None
    return MODERATOR_ACTIONS if can_moderate(user) else frozenset()


@dataclass(frozen=True)
class AuditFilter:
    visible: frozenset[str] | None = None  # the reader's scope (see `visible_actions`)
    actor_id: int | None = None
    action: str | None = None
    subject_type: str | None = None
    post_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def audit_query(filters: AuditFilter) -> Select:
    """Audit entries matching the filters, newest first."""
    query = select(AuditEntry)
    if filters.visible is not None:
        query = query.where(AuditEntry.action.in_(sorted(filters.visible)))
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.subject_type:
        query = query.where(AuditEntry.subject_type == filters.subject_type)
    if filters.post_id is not None:
        query = query.where(AuditEntry.post_id == filters.post_id)
    if filters.since is not None:
        query = query.where(AuditEntry.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.created_at < filters.until)
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def list_audit(filters: AuditFilter, page: int, per_page: int) -> Page:
    """One page of the audit log."""
    return paginate(audit_query(filters), page, per_page)


def known_actions(visible: frozenset[str] | None = None) -> list[str]:
    """The actions that occur in the log (those the reader may see), for the filter's choices."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if visible is not None:
        query = query.where(AuditEntry.action.in_(sorted(visible)))
    return list(db.session.scalars(query))
