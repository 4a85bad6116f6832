"""What a notification says, in the reader's language (used by the bell, the list and e-mails)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.text import isolate
from app.core.web import localized
from app.moderation.labels import flag_reason_label
from app.notifications.models import Notification, NotificationKind
from app.posts.labels import status_label
from app.posts.models import PostKind
from app.posts.permissions import can_view_post

EXCERPT = 300


def _title(notification: Notification, viewer) -> str:
    post = notification.post
    if post is None or not can_view_post(viewer, post):
        return _("a post that is no longer public")
    return isolate(post.title)


def describe(notification: Notification, viewer) -> str:
    """One sentence: what happened."""
    title = _title(notification, viewer)
    kind = notification.kind
    change = notification.status_change
    if kind is NotificationKind.OFFICIAL_RESPONSE and change is not None:
        department = isolate(localized(change.department)) if change.department else _("The department")
        texts = {
            "acknowledge": _("%(department)s acknowledged “%(title)s”.", department=department, title=title),
            "start": _("%(department)s started work on “%(title)s”.", department=department, title=title),
            "resolve": _("%(department)s resolved “%(title)s”.", department=department, title=title),
            "decline": _("%(department)s declined “%(title)s”.", department=department, title=title),
        }
        if change.action == "resolve" and notification.post is not None and notification.post.kind is PostKind.PROBLEM:
            return _(
                "%(department)s resolved “%(title)s”. Is it fixed? Tell us on the post.",
                department=department,
                title=title,
            )
        return texts.get(
            change.action, _("%(department)s responded to “%(title)s”.", department=department, title=title)
        )
    if kind is NotificationKind.STATUS_CHANGE and change is not None:
        if change.action == "reject":
            return _("Your post “%(title)s” was not published.", title=title)
        if change.action == "approve":
            return _("“%(title)s” is published.", title=title)
        if change.action == "mark_duplicate":
            return _("“%(title)s” was marked as a duplicate of an earlier post.", title=title)
        if change.action == "not_duplicate":
            status = status_label(change.to_status).lower()
            return _("“%(title)s” is not a duplicate after all: it is %(status)s again.", title=title, status=status)
        if change.action == "forward" and change.department is not None:
            return _(
                "“%(title)s” was forwarded to %(department)s.",
                title=title,
                department=isolate(localized(change.department)),
            )
        if change.action == "dispute":
            return _(
                "A resident says “%(title)s” is not fixed yet; moderators will decide whether to reopen it.",
                title=title,
            )
        if change.action == "withdraw":
            if notification.post is None or not can_view_post(viewer, notification.post):
                return _("A post you follow was withdrawn by its author.")
            return _("“%(title)s” was withdrawn by its author.", title=title)
        if change.action == "hand_back":
            return _("“%(title)s” was handed back to the moderators.", title=title)
        return _("“%(title)s” is now: %(status)s.", title=title, status=status_label(change.to_status))
    if kind is NotificationKind.FOLLOWED_TOPIC:
        topic = (notification.extra or {}).get("topic")
        if topic == "department":
            return _("A post went to a department you follow: “%(title)s”.", title=title)
        if topic == "area":
            return _("A new post in an area you follow: “%(title)s”.", title=title)
        return _("A new post in a category you follow: “%(title)s”.", title=title)
    if kind is NotificationKind.CALL_OUTCOME:
        call_title = isolate((notification.extra or {}).get("call_title", ""))
        return _("The call for ideas “%(title)s” published its outcome.", title=call_title)
    if kind is NotificationKind.FIX_QUESTION:
        return _("“%(title)s” was resolved some weeks ago. Is it fixed? Tell us on the post.", title=title)
    name = isolate(notification.actor.shown_name) if notification.actor else _("Someone")
    if kind is NotificationKind.COMMENT_REPLY:
        return _("%(name)s replied to your comment on “%(title)s”.", name=name, title=title)
    if kind is NotificationKind.FOLLOWED_COMMENT:
        return _("%(name)s commented on “%(title)s”.", name=name, title=title)
    if kind is NotificationKind.MODERATION:
        return _moderation_text(notification, title)
    return title


def _moderation_text(notification: Notification, title: str) -> str:
    extra = notification.extra or {}
    event = extra.get("event")
    on_comment = notification.comment_id is not None
    if event == "restored":
        if on_comment:
            return _("Moderators reviewed your comment on “%(title)s”; it is visible again.", title=title)
        return _("Moderators reviewed your post “%(title)s”; it is visible again.", title=title)
    reason = flag_reason_label(extra.get("reason", "other"))
    if event == "auto_hidden":
        if on_comment:
            return _(
                "Your comment on “%(title)s” is hidden while moderators review reports (%(reason)s).",
                title=title,
                reason=reason,
            )
        return _(
            "Your post “%(title)s” is hidden while moderators review reports (%(reason)s).", title=title, reason=reason
        )
    if on_comment:
        return _("Moderators hid your comment on “%(title)s”. Reason: %(reason)s.", title=title, reason=reason)
    return _("Moderators hid your post “%(title)s”. Reason: %(reason)s.", title=title, reason=reason)


def detail(notification: Notification, viewer) -> str | None:
    """The words behind it, if any: the public note, the comment, the moderator's explanation."""
    if notification.post is not None and not can_view_post(viewer, notification.post):
        return None
    if notification.status_change is not None:
        return notification.status_change.note
    comment = notification.comment
    if notification.kind in (NotificationKind.COMMENT_REPLY, NotificationKind.FOLLOWED_COMMENT) and comment:
        if comment.is_hidden:
            return None
        return comment.body if len(comment.body) <= EXCERPT else comment.body[:EXCERPT].rstrip() + "…"
    return notification.note


def target(notification: Notification) -> tuple[str, dict]:
    """Endpoint and arguments of the page the notification is about."""
    call_id = (notification.extra or {}).get("call_id")
    if notification.kind is NotificationKind.CALL_OUTCOME and isinstance(call_id, int):
        return "calls.show", {"call_id": call_id}
    if notification.post_id is None:
        return "notifications.index", {}
    values: dict = {"post_id": notification.post_id}
    if notification.kind is NotificationKind.FIX_QUESTION or (
        notification.status_change is not None and notification.status_change.action == "resolve"
    ):
        values["_anchor"] = "is-it-fixed"
    if notification.comment_id and notification.kind is not NotificationKind.MODERATION:
        values["_anchor"] = f"comment-{notification.comment_id}"
    return "posts.show", values
