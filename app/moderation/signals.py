"""Announcements of the workflow, for notifications and search."""

from blinker import Namespace

_signals = Namespace()

# sender: Post; change: the StatusChange just written (inside the open transaction).
post_status_changed = _signals.signal("post-status-changed")
