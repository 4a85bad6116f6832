"""Counting and ranking many matches: the best hits without scoring every match, an exact count up to
a bound and "about N" beyond, the hidden posts' document numbers remembered per searcher.

See docs/decisions/0032-whoosh-at-scale.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import collectors
from whoosh.query import Query
from whoosh.searching import Searcher

# Matches of a ranked search counted one by one up to this many (or past the requested page, if further);
# beyond, the page says "about N" from how far into the index the count got (docs/decisions/0032-whoosh-at-scale.md).
COUNT_EXACT = 1000


@dataclass(frozen=True)
class Total:
    count: int
    exact: bool = True

    def __bool__(self) -> bool:
        return self.count > 0


class TopHits(collectors.TopCollector):
    """Whoosh's top-N collector, skipping blocks as soon as it holds N hits.

    Whoosh raises the bar for skipping only when a better hit replaces one, so when the first N hits
    already tie for the best score (short titles with the same words do), it scored every match. A hit
    must beat the N-th strictly to enter, so a block that can at most tie it is skipped too (the bar is
    raised by a relative 1e-9 so that float rounding in the block bounds cannot let one through).
    """

    def _collect(self, global_docnum: int, score: float):
        key = super()._collect(global_docnum, score)
        if len(self.items) >= self.limit:
            self.minscore = self.items[0][0] * (1 + 1e-9)
        return key


def count_matches(searcher: Searcher, query: Query, hidden: frozenset[int], *, bound: int) -> Total:
    """How many documents match `query`, leaving `hidden` out: exact up to `bound`, an estimate beyond.

    Walks the matches without scoring them and stops at the first past `bound`; the estimate assumes the
    rest of the index (document numbers follow post ids) matches as often as the part walked, and is
    rounded to two significant digits, never below what was counted.
    """
    count = 0
    context = searcher.boolean_context()
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, context)
        while matcher.is_active():
            if offset + matcher.id() not in hidden:
                count += 1
                if count > bound:
                    walked = offset + matcher.id() + 1
                    return Total(about(count * searcher.doc_count_all() / walked, at_least=count), exact=False)
            matcher.next()
    return Total(count)


def about(estimate: float, *, at_least: int) -> int:
    """An estimate to two significant digits (3,456 → 3,500), and at least `at_least`."""
    digits = max(0, len(str(int(estimate))) - 2)
    rounded = int(round(estimate, -digits))
    if rounded < at_least:
        rounded = int(math.ceil(at_least / 10**digits) * 10**digits)
    return rounded


HIDDEN_MEMO = 64  # masks remembered per searcher: visitors share one, signed-in people have their own


def hidden_documents(searcher: Searcher, mask: Query | None) -> frozenset[int]:
    """The document numbers `mask` matches, remembered on the searcher (so once per version of the index
    and process: a searcher is replaced when the index changes)."""
    if mask is None:
        return frozenset()
    memo: dict = searcher.__dict__.setdefault("_hidden_documents", {})
    key = repr(mask)
    if key not in memo:
        if len(memo) >= HIDDEN_MEMO:
            memo.clear()
        memo[key] = frozenset(searcher.docs_for_query(mask))
    return memo[key]
