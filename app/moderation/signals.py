"""Announcements of the workflow, for notifications and search."""

from blinker import Namespace

_signals = Namespace()

# sender: Post; change: the StatusChange just written (inside the open transaction).
post_status_changed = _signals.signal("post-status-changed")
# sender: Post or Comment; reason: FlagReason, note: str | None, automatic: bool (hidden by flags).
content_hidden = _signals.signal("content-hidden")
# sender: Post or Comment; a moderator reviewed hidden content and kept it.
content_restored = _signals.signal("content-restored")
