"""Whole pages shared by the signed-in readers of one class, with holes for what is each reader's own.

A view decorated with `shared_by_readers(key_of)` is rendered once per key (what the page shows, in
which language, for which class of reader: `key_of` says) and kept; every request of that class is
then served the kept page with its holes filled, instead of a render. A page marks its holes:

- `personal(name, args, current, states)` (a Jinja call block taking the state): a part that looks
  one of a few ways, say a vote widget (no vote, support, opposition, one's own post). A shared render
  renders every state; a request picks one with the state the chooser registered for `name` reads
  for the reader (one query for all holes of a name), or that the view already knew (`know`);
- `own_part(name, *args)`: a part rendered for each request by the function registered for `name`
  (the header's name and unread count, the banners of a blocked account), from the frame's values
  (app.core.page_context: loaded before the page renders, or before the holes are filled when the
  page is served kept), so that it runs no SQL while it renders.

Outside a shared render both show the reader's own part at once. The CSRF token is a placeholder in
the shared page (app.core.fragments), put in per request. A hole must not sit inside a fragment.
Views fill other packages' slots before the page renders (app.core.hooks): a part that `personal`
returns there is a hole too, and a fragment that would keep one is refused as it is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.cache import _PageCache
from app.core.fragments import HOLE_MARK, TOKEN_PLACEHOLDER, placeholder_token
from app.core.page_context import frame_values

_MARK = re.compile(re.escape(HOLE_MARK) + r":(\d+);")


@dataclass(frozen=True)
class _Hole:
    name: str
    args: tuple
    variants: dict | None  # state -> html; None: an own part, rendered per request


@dataclass(frozen=True)
class _SharedPage:
    html: str
    content_type: str
    holes: tuple[_Hole, ...]


def add_choice(app, name: str, choose: Callable[[list[tuple]], list[Hashable]]) -> None:
    """`choose(args of every hole named so on the page)` -> the reader's state for each, in one query."""
    app.extensions.setdefault("shahrvand_choices", {})[name] = choose


def add_own_part(app, name: str, render: Callable[..., str]) -> None:
    """`render(frame, *args)` -> the reader's own part, for every request; `frame` holds the values
    loaded before the page renders (app.core.page_context), the header's counts: it must not query."""
    app.extensions.setdefault("shahrvand_own_parts", {})[name] = render


def know(name: str, args: tuple, state: Hashable) -> None:
    """The view already read the reader's state of this hole (no chooser query for it)."""
    g.setdefault("shahrvand_known", {})[(name, args)] = state


def known(name: str, args: tuple, default=None):
    """The reader's state of a hole as the view noted it (`know`), else `default`."""
    return g.get("shahrvand_known", {}).get((name, args), default)


def is_sharing() -> bool:
    """Whether the page being rendered is shared (holes are kept, not filled)."""
    return g.get("shahrvand_holes") is not None


def personal(name: str, args: tuple, current: Hashable, states: Iterable[Hashable], caller) -> Markup:
    """Jinja call block: `caller(state)` for the reader's state (`current`), or a hole in a shared page."""
    holes = g.get("shahrvand_holes")
    if holes is None:
        return Markup(caller(current))  # noqa: S704 -- rendered by Jinja with autoescaping
    return _mark(holes, _Hole(name, tuple(args), {state: str(caller(state)) for state in states}))


def own_part(name: str, *args) -> Markup:
    """The reader's own part: rendered now from the page's values, or a hole in a shared page."""
    holes = g.get("shahrvand_holes")
    if holes is None:
        render = current_app.extensions["shahrvand_own_parts"][name]
        return Markup(render(frame_values(), *args))  # noqa: S704 -- rendered by Jinja with autoescaping
    return _mark(holes, _Hole(name, args, None))


def _mark(holes: list[_Hole], hole: _Hole) -> Markup:
    if g.get("shahrvand_in_fragment"):
        raise RuntimeError(f"the hole {hole.name!r} sits inside a shared fragment: a fragment cannot keep it")
    holes.append(hole)
    return Markup(f"{HOLE_MARK}:{len(holes) - 1};")  # noqa: S704 -- our own marker


def _fill(page: _SharedPage) -> str:
    """The page with this reader's state in its holes and their token in place of the placeholder."""
    choices = current_app.extensions.get("shahrvand_choices", {})
    own_parts = current_app.extensions.get("shahrvand_own_parts", {})
    known = g.get("shahrvand_known", {})
    asked: dict[str, list[int]] = {}
    values: list[str] = [""] * len(page.holes)
    frame = frame_values() if any(hole.variants is None for hole in page.holes) else {}
    for index, hole in enumerate(page.holes):
        if hole.variants is None:
            values[index] = str(own_parts[hole.name](frame, *hole.args))
        elif (hole.name, hole.args) in known:
            values[index] = hole.variants[known[(hole.name, hole.args)]]
        else:
            asked.setdefault(hole.name, []).append(index)
    for name, indexes in asked.items():
        states = choices[name]([page.holes[i].args for i in indexes])
        for index, state in zip(indexes, states, strict=True):
            values[index] = page.holes[index].variants[state]
    html = _MARK.sub(lambda match: values[int(match.group(1))], page.html)
    return html.replace(TOKEN_PLACEHOLDER, generate_csrf()) if TOKEN_PLACEHOLDER in html else html


def page_store() -> _PageCache:
    """This application's shared pages for signed-in readers (one per app)."""
    return current_app.extensions.setdefault("shahrvand_reader_pages", _PageCache())


def _shareable() -> bool:
    return (
        current_app.config["READER_PAGE_CACHE_SIZE"] > 0
        and request.method == "GET"
        and current_user.is_authenticated
        and "_flashes" not in session
    )


def shared_by_readers(key_of: Callable[..., tuple | None]):
    """Serve signed-in readers a page rendered once per `key_of(**view arguments)` (None: render it
    for this reader alone), with their own state in its holes."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = key_of(**kwargs) if _shareable() else None
            if key is None:
                return view(*args, **kwargs)
            page = page_store().get(key)
            if page is None:
                g.shahrvand_holes = []
                try:
                    with placeholder_token():
                        response = make_response(view(*args, **kwargs))
                    holes = tuple(g.shahrvand_holes)
                finally:
                    g.pop("shahrvand_holes", None)
                if response.direct_passthrough:
                    return response
                page = _SharedPage(response.get_data(as_text=True), response.content_type, holes)
                if response.status_code != 200 or "_flashes" in session:
                    response.set_data(_fill(page))  # theirs alone
                    return response
                page_store().put(key, page, current_app.config["READER_PAGE_CACHE_SIZE"])
            return current_app.response_class(_fill(page), content_type=page.content_type)

        return wrapper

    return decorate


def register(app) -> None:
    app.jinja_env.globals.update(personal=personal, own_part=own_part)
