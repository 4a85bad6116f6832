"""Similar posts for people: while writing, on a post's page, beside a pending post, and on submit.

The ranking is app.search.similarity.find_similar (tuned on the dupbench sets); this module asks it
with what the app knows, re-checks every answer against the database (public, not itself a duplicate,
same kind) and decides when a draft is a near-certain duplicate (docs/decisions/0015-similar-posts-and-duplicates.md).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.core.cache import clock
from app.core.db import utcnow
from app.extensions import db
from app.posts.duplicates import Draft, LikelyDuplicate
from app.posts.models import Post, PostKind, PostStatus
from app.search.backend import search_backend
from app.search.fusion import meaning_for
from app.search.similarity import QueryPost, Weights, find_similar

log = logging.getLogger(__name__)
SHOWN = 5  # similar posts shown at most
ASKED = 20  # asked of the index, so that enough survive the database's re-check
MIN_TEXT = 0.12  # text similarity (0..1) below which a post is shown only if it is at the same spot
WEIGHTS = Weights()  # the ranking's constants (bench/duplicates.py tries others)
SAME_SPOT_M = 150.0  # a post this close is worth showing whatever its words (duplicates: p90 52 m apart)
# A post with few shared words is worth showing for its meaning when its embedding cosine is at least
# this and its fused text similarity (where another script counts by meaning alone) is within
# MEANING_MARGIN of the best hit's. e5's cosines run high and differ by language: unrelated Persian
# posts reached 0.90 in tests, a Persian-English translation 0.87-0.88; only the best match stands out.
SAME_MEANING = 0.85
MEANING_MARGIN = 0.1


@dataclass(frozen=True)
class SimilarItem:
    post: Post
    score: float
    text: float  # text similarity alone, 0..1
    distance_m: float | None


def similar_to_draft(
    *,
    title: str,
    body: str = "",
    kind: PostKind = PostKind.PROBLEM,
    category_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    exclude_post_id: int | None = None,
    now: datetime | None = None,
    timeless: bool = False,
    limit: int = SHOWN,
    first: Collection[int] = (),
) -> list[SimilarItem]:
    """Public posts like the one being written, best first (its place and time count: `now` by default
    the present; `timeless` leaves time out, and with it the place-and-week cells).

    `first`: ids of posts that go before every other, each group best first (a call's own ideas, for
    an idea written into that call)."""
    query = QueryPost(
        title=title,
        body=body,
        category=str(category_id) if category_id is not None else None,
        lat=latitude if longitude is not None else None,
        lon=longitude if latitude is not None else None,
        now=None if timeless else now or utcnow(),
        exclude_ids=frozenset({str(exclude_post_id)} if exclude_post_id else ()),
    )
    return _similar(query, kind, limit, first=frozenset(first))


def similar_to_post(post: Post, *, limit: int = SHOWN) -> list[SimilarItem]:
    """Public posts like this one, written before or after it (a post's page, the moderation queue)."""
    query = QueryPost(
        title=post.title,
        body=post.body,
        category=str(post.category_id),
        lat=post.latitude,
        lon=post.longitude,
        now=post.created_at,
        exclude_ids=frozenset({str(post.id)}),
        allow_later=True,
    )
    # The same post asks the same question until its text changes: remember the ranking for one step
    # of the clock (a vote elsewhere writes the index, and must not make every post ask again). Only
    # the order can be that old: what is shown is re-checked against the database on every render.
    question = hash((post.title, post.body, post.category_id, post.latitude, post.longitude, post.kind))
    items = _similar(
        query, post.kind, limit + 1, remember_as=("similar_to_post", post.id, question), stamp=clock(post.id)
    )
    return [item for item in items if item.post.id != post.duplicate_of_id][:limit]


def find_likely_duplicate(draft: Draft) -> LikelyDuplicate | None:
    """The existing post a draft almost surely repeats: the best similar post, if it clears both bars."""
    items = similar_to_draft(
        title=draft.title,
        body=draft.body,
        kind=draft.kind,
        category_id=draft.category.id if draft.category is not None else None,
        latitude=draft.latitude,
        longitude=draft.longitude,
        limit=1,
    )
    if not items:
        return None
    best, config = items[0], current_app.config
    placed = draft.latitude is not None and draft.longitude is not None
    bar = config["SEARCH_DUPLICATE_SCORE" if placed else "SEARCH_DUPLICATE_SCORE_UNPLACED"]
    if best.score >= bar and best.text >= config["SEARCH_DUPLICATE_TEXT"]:
        return LikelyDuplicate(post=best.post, distance_m=best.distance_m)
    return None


def _ranked(backend, query: QueryPost, meaning=None) -> list:
    with backend.searcher() as searcher:
        if searcher is None:
            return []
        hits = find_similar(searcher, query, limit=ASKED, weights=WEIGHTS, meaning=meaning)
        best_text = max((hit.text for hit in hits), default=0.0)
        return [hit for hit in hits if _worth_showing(hit, best_text - MEANING_MARGIN)]


def _worth_showing(hit, text_bar: float) -> bool:
    if hit.lexical >= MIN_TEXT or (hit.meaning is not None and hit.meaning >= SAME_MEANING and hit.text >= text_bar):
        return True
    return hit.distance_m is not None and hit.distance_m <= SAME_SPOT_M


def _similar(
    query: QueryPost,
    kind: PostKind,
    limit: int,
    remember_as: tuple | None = None,
    first: frozenset[int] = frozenset(),
    stamp: int | None = None,
) -> list[SimilarItem]:
    """The ranked hits worth showing, re-checked against the database (which is never remembered)."""
    if len(query.title.strip()) + len(query.body.strip()) < 3:
        return []
    backend = search_backend()
    meaning = meaning_for(query)  # None: words only (embeddings off, no model, no vectors yet)
    try:
        if remember_as is None:
            ranked = _ranked(backend, query, meaning)
        else:
            remember_as += (meaning.state if meaning is not None else None,)
            ranked = backend.memoized(remember_as, lambda: _ranked(backend, query, meaning), stamp=stamp)
    except Exception:  # a damaged index: the post page and the post form work on without suggestions
        log.exception("Similar posts failed; run `flask search check --fix` or `flask search rebuild`")
        return []
    ids = [int(hit.id) for hit in ranked]
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(ids)))} if ids else {}
    items = []
    for hit in ranked:
        post = posts.get(int(hit.id))
        if post is None or not post.is_public or post.status is PostStatus.DUPLICATE or post.kind is not kind:
            continue
        items.append(SimilarItem(post, hit.score, hit.text, hit.distance_m))
        if len(items) == limit and not first:
            break
    if first:  # every hit worth showing was kept: the preferred ones go ahead, in their order
        items = [i for i in items if i.post.id in first] + [i for i in items if i.post.id not in first]
    return items[:limit]
