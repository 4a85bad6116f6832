"""Asking when a problem is resolved, and recording a dispute however it was made (in the transaction)."""

from __future__ import annotations

from app.fixes import services
from app.moderation.signals import post_status_changed
from app.posts.models import Post


@post_status_changed.connect
def _status_changed(post: Post, change, **_extra) -> None:
    if change.action == "resolve":
        services.ask_after_resolution(post, change)
    elif change.action == "dispute":
        services.record_dispute(post, change)
