"""Who may see and work a department's queue; staff of one department never touch another's posts."""

from __future__ import annotations

from app.accounts.permissions import can_administer, can_moderate, is_signed_in, is_staff_of
from app.departments.models import Department
from app.posts.models import Post, PostStatus

_TRIAGE_STATUSES = (PostStatus.FORWARDED, PostStatus.IN_PROGRESS)


def works_in_a_department(user) -> bool:
    """Staff (not blocked) of the department they belong to: the header links to its dashboard."""
    return is_signed_in(user) and is_staff_of(user, user.department_id)


def can_view_department(user, department: Department) -> bool:
    """The department's staff (and admins) work its queue; moderators may look at it."""
    return can_moderate(user) or is_staff_of(user, department.id)


def can_triage(user, post: Post) -> bool:
    """Respond, assign: only staff of the post's own department (admins count as staff of all)."""
    return post.department_id is not None and is_staff_of(user, post.department_id)


def can_respond(user, post: Post) -> bool:
    return can_triage(user, post) and post.status in _TRIAGE_STATUSES


def can_assign(user, post: Post) -> bool:
    return can_triage(user, post) and post.status in _TRIAGE_STATUSES


def can_read_internal_notes(user, post: Post) -> bool:
    """Internal notes: moderators, and staff of the department the post is with."""
    return can_moderate(user) or (post.department_id is not None and is_staff_of(user, post.department_id))


def can_write_internal_note(user, post: Post) -> bool:
    return is_signed_in(user) and not user.is_blocked and can_read_internal_notes(user, post)


def can_export(user, department: Department) -> bool:
    return is_staff_of(user, department.id) or can_moderate(user)


def can_manage_response_templates(user, department: Department) -> bool:
    """Admins, and the department's own staff (they know the answers they keep giving)."""
    return is_staff_of(user, department.id)


def can_administer_departments(user) -> bool:
    return can_administer(user)
