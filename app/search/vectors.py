"""The posts' vectors in this process's memory, kept in step with the database, for nearest-neighbour queries.

Memory per post: the vector as int8 with one float32 scale (388 bytes), a 384-bit sign code (48 bytes)
and its id (8 bytes): about 44 MB per 100,000 posts. A query first ranks every post by the Hamming
distance of the sign codes (centred on the mean vector), then re-scores the best few hundred exactly:
a full float scan of 100,000 vectors costs about 70 ms here, the two steps a few ms.
New and changed vectors are read incrementally (by `embedded_at`) before each query.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import numpy as np
from flask import current_app, g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.db import read_only
from app.extensions import db
from app.search.embeddings import DIM, from_bytes, model_identity
from app.search.models import PostEmbedding

RESCORED = 400  # posts re-scored exactly after the sign-code pass
EXACT_BELOW = 4096  # below this many posts, score every one exactly
OVERLAP = timedelta(minutes=5)  # re-read rows this much older than the newest seen (commits land late)


class VectorIndex:
    """Vectors of one model, by post id, growing in place."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.model = model_identity()
        self.ids = np.zeros(0, dtype=np.int64)
        self.rows = np.zeros((0, DIM), dtype=np.int8)
        self.scales = np.zeros(0, dtype=np.float32)
        self.codes = np.zeros((0, DIM // 64), dtype=np.uint64)
        self.centre = np.zeros(DIM, dtype=np.float32)
        self.size = 0
        self.position: dict[int, int] = {}
        self.newest: datetime | None = None
        self._centred_at = 0  # size when the centre was last computed

    # ------------------------------------------------------------------------------------ loading

    def refresh(self) -> None:
        """Read the vectors written since the last look (one indexed query when nothing changed)."""
        if self.model is None:
            return
        with read_only(), Session(db.engine) as session:  # beside a writing request's own transaction
            newest = session.scalar(select(func.max(PostEmbedding.embedded_at)))
            if newest is None or newest == self.newest:
                return
            query = select(PostEmbedding.post_id, PostEmbedding.vector).where(PostEmbedding.model == self.model)
            if self.newest is not None:
                query = query.where(PostEmbedding.embedded_at >= self.newest - OVERLAP)
            rows = session.execute(query).all()
        with self._lock:
            self._add(rows)
            self.newest = newest

    def _add(self, rows) -> None:
        if not rows:
            return
        vectors = np.stack([from_bytes(vector) for _, vector in rows])
        for (post_id, _), vector in zip(rows, vectors, strict=True):
            at = self.position.get(post_id)
            if at is None:
                at = self._append_slot(post_id)
            self._store(at, vector)
        if self.size >= 2 * self._centred_at:  # the first load, then each time the posts have doubled
            self._recentre()

    def _append_slot(self, post_id: int) -> int:
        if self.size == len(self.ids):
            capacity = max(1024, 2 * len(self.ids))
            self.ids = np.resize(self.ids, capacity)
            self.rows = np.resize(self.rows, (capacity, DIM))
            self.scales = np.resize(self.scales, capacity)
            self.codes = np.resize(self.codes, (capacity, DIM // 64))
        at = self.size
        self.ids[at] = post_id
        self.position[post_id] = at
        self.size += 1
        return at

    def _store(self, at: int, vector: np.ndarray) -> None:
        scale = float(np.abs(vector).max()) / 127.0 or 1.0
        self.rows[at] = np.round(vector / scale).astype(np.int8)
        self.scales[at] = scale
        self.codes[at] = _code(vector - self.centre)

    def _recentre(self) -> None:
        """Centre the sign codes on the mean vector (e5 vectors share a large common part)."""
        n = self.size
        if n == 0:
            return
        self.centre = (self.rows[:n].astype(np.float32) * self.scales[:n, None]).mean(axis=0)
        self.codes[:n] = _codes(self.rows[:n].astype(np.float32) * self.scales[:n, None] - self.centre)
        self._centred_at = n

    # ------------------------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return self.size

    def nearest(self, query: np.ndarray, k: int, exclude: frozenset[int] = frozenset()) -> dict[int, float]:
        """The k posts whose vectors are closest to `query` (a unit vector): {post id: cosine}."""
        with self._lock:
            n = self.size
            if n == 0:
                return {}
            if n <= EXACT_BELOW:
                candidates = np.arange(n)
            else:
                distance = np.bitwise_count(self.codes[:n] ^ _code(query - self.centre)).sum(axis=1, dtype=np.int32)
                candidates = np.argpartition(distance, min(RESCORED, n - 1))[:RESCORED]
            scores = (self.rows[candidates].astype(np.float32) @ query) * self.scales[candidates]
            ids = self.ids[candidates]
        order = np.argsort(-scores)
        found: dict[int, float] = {}
        for i in order:
            post_id = int(ids[i])
            if post_id not in exclude:
                found[post_id] = float(scores[i])
                if len(found) == k:
                    break
        return found

    def similarity(self, query: np.ndarray, post_ids: list[int]) -> dict[int, float]:
        """The cosine of `query` with each of these posts that has a vector."""
        with self._lock:
            at = [(post_id, self.position[post_id]) for post_id in post_ids if post_id in self.position]
            if not at:
                return {}
            rows = np.array([position for _, position in at])
            scores = (self.rows[rows].astype(np.float32) @ query) * self.scales[rows]
        return {post_id: float(score) for (post_id, _), score in zip(at, scores, strict=True)}

    def vector_of(self, post_id: int) -> np.ndarray | None:
        """The stored vector of a post (as held: int8 times its scale), or None."""
        with self._lock:
            at = self.position.get(post_id)
            return None if at is None else self.rows[at].astype(np.float32) * self.scales[at]

    def nbytes(self) -> int:
        """Bytes held per the arrays' used part (what 100,000 posts cost is reported by the bench)."""
        n = self.size
        return n * (self.rows.itemsize * DIM + 4 + 8 * (DIM // 64) + 8)


def _code(vector: np.ndarray) -> np.ndarray:
    return np.packbits(vector > 0).view(np.uint64)


def _codes(vectors: np.ndarray) -> np.ndarray:
    return np.packbits(vectors > 0, axis=1).view(np.uint64)


def app_vectors() -> VectorIndex:
    """This process's vectors for the current app, up to date with the database."""
    vectors = current_app.extensions.get("search_vectors")
    if vectors is None:
        vectors = current_app.extensions.setdefault("search_vectors", VectorIndex())
    # Once per request: a page with many similar panels (the moderation queue) asks one query, not one a row.
    if not has_request_context() or not g.get("search_vectors_fresh"):
        vectors.refresh()
        if has_request_context():
            g.search_vectors_fresh = True
    return vectors
