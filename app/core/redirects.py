"""Redirect targets that cannot leave this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def is_safe_path(target: str | None) -> bool:
    """True for a path on this host: no scheme, no host, no backslash tricks, no control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next_url(default_endpoint: str = "posts.index") -> str:
    """The request's `next` (form or query string) if it stays on this site, else a default page."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_safe_path(target) else url_for(default_endpoint)
