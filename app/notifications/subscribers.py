"""Turning what happens to posts into notifications (receivers run inside the open transaction)."""

from __future__ import annotations

from app.moderation.signals import content_hidden, content_restored, post_status_changed
from app.notifications.mail import queue_department_email
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.posts.follows import follower_ids
from app.posts.models import Comment, Post
from app.posts.signals import comment_added


@post_status_changed.connect
def _status_changed(post: Post, change, **_extra) -> None:
    kind = NotificationKind.OFFICIAL_RESPONSE if change.is_official else NotificationKind.STATUS_CHANGE
    recipients = {post.author_id, *follower_ids(post)}
    notify(recipients, kind, post=post, status_change=change, actor=change.actor)
    if change.action == "forward":
        queue_department_email(post, change)


@comment_added.connect
def _comment_added(comment: Comment, **_extra) -> None:
    replied_to: set[int] = set()
    if comment.parent is not None:
        replied_to = {comment.parent.author_id}
        notify(replied_to, NotificationKind.COMMENT_REPLY, post=comment.post, comment=comment, actor=comment.author)
    followers = set(follower_ids(comment.post)) - replied_to
    notify(followers, NotificationKind.FOLLOWED_COMMENT, post=comment.post, comment=comment, actor=comment.author)


def _about(item: Post | Comment) -> dict:
    if isinstance(item, Comment):
        return {"post": item.post, "comment": item}
    return {"post": item}


@content_hidden.connect
def _content_hidden(item: Post | Comment, *, reason, note=None, automatic=False, **_extra) -> None:
    event = "auto_hidden" if automatic else "hidden"
    notify(
        [item.author_id],
        NotificationKind.MODERATION,
        note=note,
        extra={"event": event, "reason": reason.value},
        **_about(item),
    )


@content_restored.connect
def _content_restored(item: Post | Comment, **_extra) -> None:
    notify([item.author_id], NotificationKind.MODERATION, extra={"event": "restored"}, **_about(item))
