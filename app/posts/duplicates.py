"""A seam for "this is already reported": posts asks, another domain answers.

posts must not import search (imports point one way, see docs/decisions/0001). So posts declares what
it needs — given a draft, the existing post it almost surely repeats, if any — and the search package
plugs its answer in at app creation with `set_duplicate_finder(app, finder)`. With no finder set (an
app without search) no draft is ever held back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from app.posts.models import Category, Post, PostKind

EXTENSION = "posts_duplicate_finder"


@dataclass(frozen=True)
class Draft:
    """A post as typed, before it exists."""

    author: object
    kind: PostKind
    title: str
    body: str
    category: Category | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class LikelyDuplicate:
    """An existing public post the draft almost surely repeats."""

    post: Post
    distance_m: float | None = None


DuplicateFinder = Callable[[Draft], LikelyDuplicate | None]


def set_duplicate_finder(app: Flask, finder: DuplicateFinder) -> None:
    """Called once by the domain that can find duplicates (search), while the app is created."""
    app.extensions[EXTENSION] = finder


def likely_duplicate(draft: Draft) -> LikelyDuplicate | None:
    """The post this draft almost surely repeats, or None (also when no finder is installed)."""
    finder = current_app.extensions.get(EXTENSION)
    return finder(draft) if finder is not None else None
