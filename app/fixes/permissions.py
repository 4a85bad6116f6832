"""Who is asked "is it fixed?" and may answer it."""

from __future__ import annotations

from app.accounts.permissions import can_moderate
from app.moderation import workflow
from app.posts.models import Post, PostStatus


def can_answer_fix(user, post: Post) -> bool:
    """The author and the followers of a public, resolved problem (the workflow's "dispute" rule)."""
    if post.status is not PostStatus.RESOLVED or not post.is_public:
        return False
    return workflow.may_make(user, workflow.TRANSITIONS["dispute"], post)


def can_review_disputes(user) -> bool:
    """Moderators see the resolved posts residents say are not fixed, and may reopen them."""
    return can_moderate(user)
