"""Who finds what: the same rule as reading a post (app.posts.permissions.can_view_post), as an index query.

Visitors find public posts only. A signed-in resident also finds their own posts that are waiting for
moderation or were rejected (they can open those pages too, and "where is my report?" is a common
search). Staff also find their department's posts; moderators and admins find every post. The index
filter is a first pass; every hit is re-checked with can_view_post against the database.
"""

from __future__ import annotations

from whoosh.query import Or, Query, Term

from app.accounts.models import Role
from app.accounts.permissions import can_moderate, is_signed_in
from app.posts.models import PUBLIC_STATUSES, PostStatus


def visible_in_index(user) -> Query | None:
    """The documents this user may find (None: all of them)."""
    if can_moderate(user):
        return None
    public = Term("is_public", True)
    if not is_signed_in(user):
        return public
    allowed = [public, Term("author", str(user.id))]
    if user.role is Role.STAFF and user.department_id is not None:
        allowed.append(Term("department", str(user.department_id)))
    return Or(allowed)


def searchable_statuses(user) -> list[PostStatus]:
    """The statuses offered in the status filter: signed-in users may also look for their own pending posts."""
    statuses = list(PostStatus) if is_signed_in(user) else [s for s in PostStatus if s in PUBLIC_STATUSES]
    return statuses
