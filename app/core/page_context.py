"""What the frame of every page shows beside the view's own values (the header's counts), loaded
before the page renders: templates never query.

A package registers a loader with `add_page_context(app, load)`; `load()` returns the values it
adds (`{"unread_notifications": 3}`). They are loaded once for each page (a template that extends
`base.html`), never for the partials that htmx swaps in, the parts of other packages or e-mails.
A value the view passes itself wins. The values are each reader's own: a page shared by readers
(app.core.personal) shows them in holes, filled from `frame_values()` after it renders.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, before_render_template, current_app, g
from jinja2 import Environment, nodes

_KEY = "page_context_loaders"
_FRAME = "base.html"
_LOADED = "page_context_values"


def add_page_context(app: Flask, load: Callable[[], dict]) -> None:
    """Add what `load()` returns to the context of every page this app renders."""
    app.extensions.setdefault(_KEY, []).append(load)


def _fill(app: Flask, template, context: dict, **_extra) -> None:
    if not template.name or not _is_page(app.jinja_env, template.name):
        return
    values = _load(app)
    for name, value in values.items():
        values[name] = context.setdefault(name, value)
    setattr(g, _LOADED, values)  # as this page shows them


def frame_values() -> dict:
    """The frame's values for this request: as the page rendered in it was given them, else loaded
    now (a page kept whole and served again is not rendered: its holes still need them)."""
    if g.get(_LOADED) is None:
        setattr(g, _LOADED, _load(current_app))
    return getattr(g, _LOADED)


def _load(app: Flask) -> dict:
    values: dict = {}
    for load in app.extensions.get(_KEY, ()):
        values.update(load())
    return values


_pages: dict[str, bool] = {}


def _is_page(env: Environment, name: str) -> bool:
    """Whether the template extends the frame (directly or through another template); read once."""
    if name not in _pages:
        source, _filename, _uptodate = env.loader.get_source(env, name)
        extends = env.parse(source).find(nodes.Extends)
        parent = extends.template.value if extends and isinstance(extends.template, nodes.Const) else None
        _pages[name] = parent == _FRAME or (parent is not None and _is_page(env, parent))
    return _pages[name]


def register(app: Flask) -> None:
    before_render_template.connect(_fill, app)
