"""Parts of signed-in pages rendered once and shared: a post's body, its thread, its panels.

A view names the parts of its page and the key they are shared under (what they show, in which
language, and the class of viewer: see app.posts.routes); the template wraps each part in
`{% call fragment("name") %}…{% endcall %}`. A part is rendered with a placeholder in place of the
CSRF token (the only thing in a form that belongs to one person), and every request puts its own
token in; everything else a part shows must be the same for every viewer of the key's class.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager

from flask import current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.cache import _PageCache

# Unguessable, so that no text a user writes can ask for the viewer's token to be put in its place.
TOKEN_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
# Where a page shared by readers has a hole (app.core.personal); unguessable too.
HOLE_MARK = f"hole-{secrets.token_hex(16)}"


def fragment_cache() -> _PageCache:
    """This application's cache of shared parts (one per app)."""
    return current_app.extensions.setdefault("shahrvand_fragment_cache", _PageCache())


def use_fragments(key: tuple | None, names: tuple[str, ...]) -> dict[str, bool]:
    """Look the page's parts up once, for the view: {name: found} (all False when `key` is None:
    nothing is shared, every part is rendered)."""
    size = current_app.config["FRAGMENT_CACHE_SIZE"]
    found = {name: (fragment_cache().get((key, name)) if key is not None and size else None) for name in names}
    g.shahrvand_fragments = (key if size else None, found)
    return {name: html is not None for name, html in found.items()}


def fragment(name: str, caller) -> Markup:
    """Jinja: the part `name` of this page, from the cache or rendered by the call block and kept."""
    key, found = g.get("shahrvand_fragments", (None, {}))
    if key is None:
        return caller()
    html = found.get(name)
    if html is None:
        html = _render_shared(name, caller)
        fragment_cache().put((key, name), html, current_app.config["FRAGMENT_CACHE_SIZE"])
    if TOKEN_PLACEHOLDER in html:
        html = html.replace(TOKEN_PLACEHOLDER, generate_csrf())
    return Markup(html)  # noqa: S704 -- rendered by Jinja with autoescaping


def _render_shared(name: str, caller) -> str:
    """Render with the placeholder as the CSRF token; no reader's own part (app.core.personal) may sit inside."""
    g.shahrvand_in_fragment = True
    try:
        with placeholder_token():
            html = str(caller())
    finally:
        g.shahrvand_in_fragment = False
    if HOLE_MARK in html:  # a slot's part the view filled before the page rendered (app.core.hooks)
        raise RuntimeError(f"a reader's own part sits inside a shared fragment ({name!r}): it cannot keep it")
    return html


@contextmanager
def placeholder_token():
    """While this lasts, forms and `csrf_token()` take the placeholder as the request's token
    (Flask-WTF keeps it in `g`); each request puts its own in afterwards."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    had, previous = field in g, g.get(field)
    setattr(g, field, TOKEN_PLACEHOLDER)
    try:
        yield
    finally:
        if had:
            setattr(g, field, previous)
        else:
            g.pop(field, None)


def register(app) -> None:
    app.jinja_env.globals["fragment"] = fragment
