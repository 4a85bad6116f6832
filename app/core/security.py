"""Security headers on every response, and cookies that stay on HTTPS when the site is served over it.

The Content-Security-Policy allows scripts, styles and fonts from this site only (no inline script or
style attribute anywhere: templates load static files), images from this site, `data:` (Bootstrap's
form icons), `blob:` (photo previews before upload) and the map tile server of MAP_TILE_URL; the page
may not be framed. See docs/decisions/0019-abuse-limits-and-headers.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a {z}/{x}/{y} tile URL: its scheme and host, `{s}` subdomains as `*.`."""
    parts = urlsplit(tile_url or "")
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:  # https://{s}.tile.example.org/… : any subdomain of the rest
        _subdomain, _, rest = host.partition(".")
        if "{" in rest or not rest:
            return f"{parts.scheme}:"
        host = f"*.{rest}"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def secure_cookies_for_https(config) -> None:
    """Mark the session and remember-me cookies Secure when the public address is https (unless an
    operator set them explicitly)."""
    is_https = str(config.get("SITE_URL", "")).lower().startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(name) is None:
            config[name] = is_https


def register(app: Flask) -> None:
    headers = {
        "Content-Security-Policy": content_security_policy(app.config.get("MAP_TILE_URL", "")),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
        "X-Frame-Options": "DENY",  # for browsers older than frame-ancestors
    }

    @app.after_request
    def _security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
