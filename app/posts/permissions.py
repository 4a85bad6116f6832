"""Who may see and change posts and comments."""

from __future__ import annotations

from app.accounts.permissions import can_moderate, can_participate, is_signed_in, is_staff_of
from app.posts.comments import is_editable as is_comment_editable
from app.posts.models import Comment, Photo, Post, PostStatus
from app.posts.services import is_editable


def can_view_post(user, post: Post) -> bool:
    """Public posts for everyone; others for their author, moderators and the department's staff."""
    if post.is_public:
        return True
    if not is_signed_in(user):
        return False
    return user.id == post.author_id or can_moderate(user) or is_staff_of(user, post.department_id)


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own post while it waits for moderation, and after approval while it is open."""
    return can_participate(user) and user.id == post.author_id and is_editable(post)


def can_edit_photos(user, post: Post) -> bool:
    """Photos change only before approval (then the city may have acted on them)."""
    return can_edit_post(user, post) and post.status is PostStatus.PENDING


def can_withdraw_post(user, post: Post) -> bool:
    """Authors withdraw their own post at any time, whatever its status (app.moderation.workflow moves it)."""
    return can_participate(user) and user.id == post.author_id and post.status is not PostStatus.WITHDRAWN


def can_comment(user, post: Post) -> bool:
    return can_participate(user) and post.is_public


def can_edit_comment(user, comment: Comment) -> bool:
    return can_participate(user) and user.id == comment.author_id and is_comment_editable(comment)


def can_follow(user, post: Post) -> bool:
    return is_signed_in(user) and can_view_post(user, post)


def can_remove_photo(user, photo: Photo) -> bool:
    """Moderators remove any photo (a face, a number plate); authors theirs while the post is pending."""
    return can_moderate(user) or can_edit_photos(user, photo.post)
