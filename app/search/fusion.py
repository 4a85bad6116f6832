"""Meaning for the similar-posts ranking: the query's embedding against the posts' vectors.

app.search.similarity.find_similar mixes what this says into each candidate's text similarity
(Weights.meaning_*). Everything here falls back to None (words only): embeddings switched off
(SEARCH_EMBEDDINGS), the model missing or failing, or no post embedded yet. See
docs/decisions/0023-embeddings.md.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from app.search.similarity import QueryPost, SimilarPost
    from app.search.vectors import VectorIndex

log = logging.getLogger(__name__)
NEIGHBOURS = 20  # nearest posts by embedding asked for (Weights.meaning_pool of them become candidates)


class VectorMeaning:
    """The query's nearest posts and cosines, computed on first use (a remembered answer never embeds)."""

    def __init__(self, vectors: VectorIndex, query_vector: Callable[[], np.ndarray | None], exclude: frozenset[int]):
        self.vectors = vectors
        self.state = (len(vectors), vectors.newest)  # part of a remembered answer's key
        self._query_vector = query_vector
        self._exclude = exclude
        self._vector: np.ndarray | None = None
        self._neighbours: dict[str, float] | None = None

    def _query(self) -> np.ndarray | None:
        if self._vector is None:
            self._vector = self._query_vector()
        return self._vector

    @property
    def neighbours(self) -> Mapping[str, float]:
        if self._neighbours is None:
            found = self._safely(lambda vector: self.vectors.nearest(vector, NEIGHBOURS, self._exclude))
            self._neighbours = {str(post_id): cosine for post_id, cosine in found.items()}
        return self._neighbours

    def cosines(self, ids: list[str]) -> Mapping[str, float]:
        found = self._safely(lambda vector: self.vectors.similarity(vector, [int(i) for i in ids]))
        return {str(post_id): cosine for post_id, cosine in found.items()}

    def _safely(self, ask: Callable[[np.ndarray], dict[int, float]]) -> dict[int, float]:
        """Whatever goes wrong with meaning leaves the words to rank (a warning, never an error)."""
        try:
            vector = self._query()
            return {} if vector is None else ask(vector)
        except Exception:
            log.warning("Embeddings failed for this query; similar posts use words only", exc_info=True)
            return {}


def meaning_for(query: QueryPost) -> VectorMeaning | None:
    """What the embeddings can add to this query, or None to rank by words alone (never raises)."""
    from app.search import embeddings
    from app.search.vectors import app_vectors

    if not embeddings.enabled():
        return None
    try:
        vectors = app_vectors()
        if not len(vectors) or embeddings.get_model() is None:
            return None
        exclude = frozenset(int(i) for i in query.exclude_ids if str(i).isdigit())

        def query_vector() -> np.ndarray | None:
            if query.allow_later and len(exclude) == 1:  # a saved post: its stored vector, if current
                (post_id,) = exclude
                stored = vectors.vector_of(post_id)
                if stored is not None:
                    return stored
            return embeddings.embed_draft(query.title, query.body)

        return VectorMeaning(vectors, query_vector, exclude)
    except Exception:
        log.warning("Embeddings are unavailable for this query; similar posts use words only", exc_info=True)
        return None


def script_of(text: str) -> str | None:
    """'arabic' (Persian) or 'latin', by the letters that outnumber; None for no letters."""
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not arabic and not latin:
        return None
    return "arabic" if arabic >= latin else "latin"


def zsum(ranked: list[SimilarPost], cosines: list[float | None]) -> list[SimilarPost]:
    """Re-score by the sum of per-query z-scores of word and meaning similarity (plus the bonuses)."""

    def z(values: list[float]) -> list[float]:
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
        return [(v - mean) / sd for v in values]

    low = min((c for c in cosines if c is not None), default=0.0)
    meaning = [c if c is not None else low for c in cosines]
    words = [s.lexical for s in ranked]
    return [
        replace(s, score=s.score - s.text + zw + zm) for s, zw, zm in zip(ranked, z(words), z(meaning), strict=True)
    ]
