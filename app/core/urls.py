"""Full links for e-mails and exports, built without a request from the SITE_URL setting."""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """SITE_URL + the route's path (+ #anchor)."""
    anchor = values.pop("_anchor", None)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SITE_URL"].rstrip("/") + path + (f"#{anchor}" if anchor else "")
