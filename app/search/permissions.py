"""Who finds what: the same rule as reading a post (app.posts.permissions.can_view_post), as an index query.

Visitors find public posts only. A signed-in resident also finds their own posts that are waiting for
moderation or were rejected (they can open those pages too, and "where is my report?" is a common
search). Staff also find their department's posts; moderators and admins find every post. The index
filter is a first pass; every hit is re-checked with can_view_post against the database.
"""

from __future__ import annotations

from whoosh.query import AndNot, Or, Query, Term

from app.accounts.models import Role
from app.accounts.permissions import can_moderate, is_signed_in, is_staff_of
from app.posts.models import PUBLIC_STATUSES, PostStatus


def hidden_from(user) -> Query | None:
    """The documents this user may not find (None: they may find all), as a mask for the searcher.

    A mask, not a clause of the query: the documents to leave out are few (pending, rejected, hidden),
    while "is public" matches almost every document and would be intersected with every query.
    """
    if can_moderate(user):
        return None
    private = Term("is_public", False)
    if not is_signed_in(user):
        return private
    allowed = [Term("author", str(user.id))]
    if user.role is Role.STAFF and is_staff_of(user, user.department_id):
        allowed.append(Term("department", str(user.department_id)))
    return AndNot(private, Or(allowed))


def searchable_statuses(user) -> list[PostStatus]:
    """The statuses offered in the status filter: signed-in users may also look for their own pending posts."""
    statuses = list(PostStatus) if is_signed_in(user) else [s for s in PostStatus if s in PUBLIC_STATUSES]
    return statuses
