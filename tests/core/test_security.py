"""Security headers on every page, a policy that matches the templates, and Secure cookies on https."""

import re
from pathlib import Path

import pytest

from app import create_app
from app.core.security import content_security_policy, tile_source
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/", "/posts", "/search?q=x", "/login", "/no-such-page"])
def test_every_html_page_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in headers["Permissions-Policy"]


def test_images_may_come_from_the_configured_tile_server_only(app_config):
    app = create_app(app_config | {"MAP_TILE_URL": "https://tiles.city.example/{z}/{x}/{y}.png"})
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    images = re.search(r"img-src ([^;]+)", policy).group(1).split()
    assert images == ["'self'", "data:", "blob:", "https://tiles.city.example"]
    app.extensions["search_store"].close()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:9/{z}/{x}/{y}.png", "http://127.0.0.1:9"),
        ("", None),
    ],
)
def test_the_tile_source_is_the_tile_urls_origin(url, source):
    assert tile_source(url) == source


def test_no_tiles_means_no_foreign_image_source():
    assert "img-src 'self' data: blob:;" in content_security_policy("")


def test_templates_hold_no_inline_script_style_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


@pytest.mark.parametrize(
    ("site_url", "secure"), [("https://shahrvand.example", True), ("http://127.0.0.1:5000", False)]
)
def test_session_and_remember_cookies_are_secure_when_the_site_is_https(app_config, make, site_url, secure):
    app = create_app(app_config | {"SITE_URL": site_url})
    assert app.config["SESSION_COOKIE_SECURE"] is secure and app.config["REMEMBER_COOKIE_SECURE"] is secure
    app.extensions["search_store"].close()
    with app.app_context():
        db.engine.dispose()


def test_a_signed_in_https_site_sends_secure_cookies(app, client, make):
    from tests.factories import PASSWORD

    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in cookie for cookie in cookies if cookie.startswith(("session=", "remember_token=")))
    assert len([c for c in cookies if c.startswith(("session=", "remember_token="))]) == 2
