"""Who may moderate what: predicates shared by routes and templates."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.permissions import can_administer, can_moderate, can_participate, is_signed_in, is_staff_of
from app.posts.models import Comment, Post


def can_flag(user, item: Post | Comment) -> bool:
    """Signed-in, unblocked users flag what others wrote and the public can see."""
    if not can_participate(user) or item.author_id == user.id or item.is_hidden:
        return False
    return item.post.is_public if isinstance(item, Comment) else item.is_public


def can_decide_flags(user) -> bool:
    return can_moderate(user)


def can_edit_post_as_moderator(user, post: Post) -> bool:
    """Re-categorise and clarify titles."""
    return can_moderate(user)


def can_view_versions(user, post: Post) -> bool:
    """The earlier versions of an edited post: moderators, and the staff of the department it went to."""
    return can_moderate(user) or is_staff_of(user, post.department_id)


def can_review_edits(user) -> bool:
    return can_moderate(user)


def can_block(actor, target) -> bool:
    """Moderators block residents; admins also block moderators and staff; nobody blocks an admin or themselves."""
    if not can_moderate(actor) or not is_signed_in(target) or actor.id == target.id:
        return False
    if target.role is Role.RESIDENT:
        return True
    return actor.role is Role.ADMIN and target.role is not Role.ADMIN


def can_change_role(actor, target) -> bool:
    """Admins change other people's roles (never their own, so that an admin always remains)."""
    return can_administer(actor) and actor.id != target.id


def can_view_users(user) -> bool:
    return can_moderate(user)


def can_search_by_email(user) -> bool:
    """Only those who see e-mail addresses (admins) find people by them: matches would reveal them."""
    return can_administer(user)


def can_view_audit(user) -> bool:
    """Admins read the whole log; moderators the part about their work (`audit.visible_actions`)."""
    return can_moderate(user)


def can_manage_settings(user) -> bool:
    return can_administer(user)
