"""Named slots in pages that other packages fill (Indico's `template_hook`).

A page of one domain shows parts that belong to another (the post page shows moderation's timeline
and search's similar posts) without knowing their templates or their queries: the owning package
registers a function that loads what its part shows and renders it, and the page's view fills the
slots before the page renders (`render_hooks("post-aside", post=post)`), passing the parts in like
any other value: templates never query. Posts stays free of imports of the packages built on it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from markupsafe import Markup

_KEY = "template_hooks"


def add_template_hook(app: Flask, name: str, render: Callable[..., str], priority: int = 50) -> None:
    """Fill the slot `name` with what `render(**arguments)` returns (lower priority comes first)."""
    app.extensions.setdefault(_KEY, {}).setdefault(name, []).append((priority, render))
    app.extensions[_KEY][name].sort(key=lambda entry: entry[0])


def render_hook(name: str, **arguments) -> Markup:
    """What every package that fills the slot renders for these arguments, in priority order (for
    the view, before its page renders)."""
    parts = current_app.extensions.get(_KEY, {}).get(name, ())
    # Each part is the output of render_template (escaped by Jinja already), not user text.
    return Markup("").join(Markup(render(**arguments) or "") for _priority, render in parts)  # noqa: S704


def render_hooks(*names: str, **arguments) -> dict[str, Markup]:
    """Several slots filled with the same arguments: {name: what it shows}."""
    return {name: render_hook(name, **arguments) for name in names}
