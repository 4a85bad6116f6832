"""New posts reach the followers of their category, area and department (inside the transaction)."""

from __future__ import annotations

from app.alerts import services
from app.moderation.signals import post_status_changed


@post_status_changed.connect
def _status_changed(post, change, **_extra) -> None:
    if change.action == "approve" and not post.is_hidden:
        services.alert_published(post)
    elif change.action == "forward" and post.department_id is not None:
        services.alert_forwarded(post)
