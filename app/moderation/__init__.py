"""Moderation: the workflow that owns a post's status, the queue, flags and the audit log."""
