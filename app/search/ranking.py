"""Ranking a search with arrays: every match's BM25F score at once, the same scores as Whoosh's.

Whoosh ranks by walking its matcher tree one document at a time, scoring each match in Python (the
intersection, a BM25F score per word, a field length read per score: a few µs a match, 19,000
matches for "car" in 100,000 posts). Here the same tree is evaluated a posting list at a time: each
word's postings are read block by block into arrays, its BM25F scores computed with numpy from the
scorer Whoosh built for it (same idf, average length, B and K1, and the same order of operations, so
the same floating-point results), and the tree's intersections, unions and optional parts combine
the arrays in the order Whoosh adds the scores. The best `limit` are then taken by score, ties by
document number (as Whoosh's top-N collector keeps them).

Only the query shapes the search page builds are covered (`covers`): words, alternatives, filters
and date ranges. Anything else (phrases, prefixes, fuzzy terms, another weighting) goes to Whoosh's
own path, and so does a matcher this module does not know (`UnsupportedQueryError`).

Remembered per searcher (a searcher is replaced when the index changes): each segment's field
lengths, one byte a document per scored field, and the hidden documents as a flag array per mask.
Nothing is remembered per query. See docs/decisions/0032-whoosh-at-scale.md ("Round two").
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcherClass, WrappingMatcher
from whoosh.query import And, AndMaybe, AndNot, ConstantScoreQuery, NullQuery, NumericRange, Or, Query, Term, TermRange
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from app.search.counting import Total, about

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
MASKS_MEMO = 16  # hidden-document flag arrays per searcher (one byte a document each)
_COVERED = (And, Or, AndMaybe, AndNot, Term, NumericRange)


class UnsupportedQueryError(Exception):
    """The matcher tree holds something the array path does not evaluate: use Whoosh's path."""


def covers(searcher: Searcher, query: Query) -> bool:
    """Whether the array path ranks `query`: only words, alternatives, filters and date ranges, scored
    by plain BM25F (phrases, prefixes, fuzzy terms and other weightings go through Whoosh)."""
    if type(searcher.weighting) is not BM25F:
        return False
    stack = [query]
    while stack:
        node = stack.pop()
        if type(node) not in _COVERED:
            return False
        if not isinstance(node, (Term, NumericRange)):
            stack.extend(node.children())
    return True


def ranked(
    searcher: Searcher, query: Query, hidden: frozenset[int], *, limit: int, bound: int
) -> tuple[list[int], Total]:
    """The document numbers of the best `limit` matches of `query` leaving `hidden` out (best first,
    ties by document number), and how many matched: exact up to `bound`, beyond it the estimate
    `counting.count_matches` gives (the same walk in document order, here read off the sorted matches).

    Raises UnsupportedQueryError when the matcher tree holds a node not evaluated here.
    """
    ids, scores = matches(searcher, query)
    if hidden and len(ids):
        keep = ~_hidden_flags(searcher, hidden)[ids]
        ids, scores = ids[keep], scores[keep]
    return _best(ids, scores, limit), _total(ids, bound, searcher.doc_count_all())


def matches(searcher: Searcher, query: Query) -> tuple[np.ndarray, np.ndarray]:
    """Every document matching `query` (document numbers in order) and its score, as Whoosh would score it."""
    context = searcher.context()  # what search_with_collector gives Whoosh's matchers
    parts_ids, parts_scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        ids, scores = _query(query, _Segment(searcher, subsearcher, context))
        parts_ids.append(ids + offset)
        parts_scores.append(scores)
    if not parts_ids:
        return _EMPTY
    return np.concatenate(parts_ids), np.concatenate(parts_scores)


def _best(ids: np.ndarray, scores: np.ndarray, limit: int) -> list[int]:
    if len(ids) > limit:  # only the scores that can reach the page (ties at the edge included) get sorted
        kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        near = np.flatnonzero(scores >= kth)
        ids, scores = ids[near], scores[near]
    order = np.lexsort((ids, -scores))[:limit]
    return ids[order].tolist()


def _total(ids: np.ndarray, bound: int, doc_count: int) -> Total:
    if len(ids) <= bound:
        return Total(len(ids))
    counted, walked = bound + 1, int(ids[bound]) + 1  # where a walk in document order stops (ids are sorted)
    return Total(about(counted * doc_count / walked, at_least=counted), exact=False)


class _Segment:
    """One segment's reader, with its field lengths as arrays remembered on the top searcher."""

    def __init__(self, top: Searcher, subsearcher: Searcher, context) -> None:
        self.top = top
        self.searcher = subsearcher
        self.context = context
        self.reader = subsearcher.reader()

    def length_bytes(self, fieldname: str) -> np.ndarray | None:
        memo: dict = self.top.__dict__.setdefault("_field_lengths", {})
        key = (id(self.reader), fieldname)
        if key not in memo:
            memo[key] = (self.reader, _length_bytes(self.reader, fieldname))  # the reader kept: its id stays its own
        return memo[key][1]


def _length_bytes(reader, fieldname: str) -> np.ndarray | None:
    """The segment's length byte per document for `fieldname` (None: no lengths, Whoosh then uses 1)."""
    perdoc = reader._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    count = min(column._count, column._doccount)
    data = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
    padded = np.zeros(column._doccount + 1, dtype=np.uint8)  # default 0 past the column's end
    padded[:count] = data
    return padded


def _hidden_flags(searcher: Searcher, hidden: frozenset[int]) -> np.ndarray:
    memo: dict = searcher.__dict__.setdefault("_hidden_flags", {})
    if hidden not in memo:
        if len(memo) >= MASKS_MEMO:
            memo.clear()
        flags = np.zeros(searcher.doc_count_all(), dtype=bool)
        flags[np.fromiter(hidden, dtype=np.int64, count=len(hidden))] = True
        memo[hidden] = flags
    return memo[hidden]


# ------------------------------------------------------------------------------ the query tree

_Scored = tuple[np.ndarray, np.ndarray]  # sorted document numbers in the segment, and their scores


def _query(query: Query, segment: _Segment, within: np.ndarray | None = None) -> _Scored:
    """The matches of `query` in one segment (only those in `within`, sorted, when given) and their
    scores, combined in the tree Whoosh's matcher() would build and so added in the same order.

    Whoosh's own tree is not built: its constructors already walk the postings (an array union scores
    its first 2,048 documents in Python). A document's score depends on its own postings only, so
    narrowing a part to the documents that can still match changes no score.
    """
    kind = type(query)
    if kind is Term:
        return _evaluate(query.matcher(segment.searcher, segment.context), segment, within)
    if kind is And or kind is Or:
        subs = query.subqueries
        if not subs:
            return _EMPTY
        if len(subs) == 1:  # CompoundQuery.matcher: the only part's matcher, without this query's boost
            return _query(subs[0], segment, within)
        return _and(query, segment, within) if kind is And else _or(query, segment, within)
    if kind is AndMaybe:
        a_ids, a_scores = _query(query.a, segment, within)
        b_ids, b_scores = _query(query.b, segment, a_ids)
        return a_ids, a_scores + _spread(a_ids, b_ids, b_scores)  # AndMaybeMatcher: a, plus b where it matches
    if kind is AndNot:
        a_ids, a_scores = _query(query.a, segment, within)
        keep = ~np.isin(a_ids, _query(query.b, segment, a_ids)[0], assume_unique=True)
        return a_ids[keep], a_scores[keep]
    if kind is NumericRange:
        return _range(query, segment, within)
    raise UnsupportedQueryError(kind.__name__)


_EMPTY: _Scored = (np.empty(0, np.int64), np.empty(0, np.float64))


def _and(query: And, segment: _Segment, within: np.ndarray | None) -> _Scored:
    reader = segment.reader
    subs = query.subqueries
    weights = [0 - sub.estimate_size(reader) for sub in subs]
    found: list[_Scored] = [_EMPTY] * len(subs)
    for i in sorted(range(len(subs)), key=lambda i: -weights[i]):  # the rarest part first: the others
        found[i] = _query(subs[i], segment, within)  # are read only in the blocks holding its documents
        within = found[i][0]
        if not len(within):
            break
    return _boosted(_weighted_tree(list(zip(weights, found, strict=True)), _intersection), query.boost)


def _or(query: Or, segment: _Segment, within: np.ndarray | None) -> _Scored:
    if query.scale or query.matcher_type != Or.AUTO_MATCHER:
        raise UnsupportedQueryError("Or with a coordination scale or a chosen matcher")
    subs = query.subqueries
    # Or._matcher's choice (the context of a ranked search has needs_current False)
    if len(subs) < Or.TOO_MANY_CLAUSES and (len(subs) == 2 or segment.reader.doc_count_all() > 5000):
        reader = segment.reader
        parts = [(sub.estimate_size(reader), _query(sub, segment, within)) for sub in subs]
        return _boosted(_weighted_tree(parts, _union), query.boost)
    # ArrayUnionMatcher: each alternative's score × boost added in turn into zeros; kept if above zero
    parts = [_query(sub, segment, within) for sub in subs]
    ids = _union_ids([part_ids for part_ids, _ in parts])
    total = np.zeros(len(ids), dtype=np.float64)
    for part_ids, part_scores in parts:
        total += _spread(ids, part_ids, part_scores * query.boost)
    keep = total > 0
    return ids[keep], total[keep]


def _weighted_tree(parts: list[tuple[int, _Scored]], combine) -> _Scored:
    """whoosh.util.make_weighted_tree: the two lightest joined first. Its (weight, matcher) pairs compare
    as equal when their weights are (matchers compare equal or unordered), so ties keep their order."""
    parts = sorted(parts, key=lambda part: part[0])
    while len(parts) > 1:
        (a_weight, a), (b_weight, b) = parts.pop(0), parts.pop(0)
        weight = a_weight + b_weight
        parts.insert(bisect_right([w for w, _ in parts], weight), (weight, combine(a, b)))
    return parts[0][1]


def _intersection(a: _Scored, b: _Scored) -> _Scored:
    ids, in_a, in_b = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return ids, a[1][in_a] + b[1][in_b]  # IntersectionMatcher: a.score() + b.score()


def _union(a: _Scored, b: _Scored) -> _Scored:
    ids = _union_ids([a[0], b[0]])
    return ids, _spread(ids, *a) + _spread(ids, *b)  # UnionMatcher: a, b, or a + b (x + 0.0 is x exactly)


def _union_ids(parts: list[np.ndarray]) -> np.ndarray:
    """The sorted union of sorted arrays: merged runs (a stable sort of sorted runs is a merge)."""
    ids = np.concatenate(parts)
    ids.sort(kind="stable")
    if len(ids) > 1:
        ids = ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    return ids


def _boosted(scored: _Scored, boost: float) -> _Scored:
    return scored if boost == 1.0 else (scored[0], scored[1] * boost)


def _range(query: NumericRange, segment: _Segment, within: np.ndarray | None) -> _Scored:
    """A date range: Whoosh compiles it to terms of several resolutions under a constant score."""
    compiled = query._compile_query(segment.reader)
    if compiled is NullQuery:
        return _EMPTY
    if type(compiled) is not ConstantScoreQuery:
        raise UnsupportedQueryError("a range without a constant score")
    ids = _ids(compiled.child, segment, within)
    # ConstantScoreQuery's ListMatcher(all_weights=score): its weight, or 1.0 when the score is 0
    return ids, np.full(len(ids), compiled.score or 1.0, dtype=np.float64)


def _ids(query: Query, segment: _Segment, within: np.ndarray | None) -> np.ndarray:
    """The documents matching a part whose scores do not count (under a constant score)."""
    kind = type(query)
    if kind is Term:
        return _query(query, segment, within)[0]
    if kind is Or:
        parts = [_ids(sub, segment, within) for sub in query.subqueries]
        return _union_ids(parts) if parts else _EMPTY[0]
    if kind is TermRange:
        texts = query._btexts(segment.reader)
        parts = [_ids(Term(query.fieldname, text), segment, within) for text in texts if text]
        return _union_ids(parts) if parts else _EMPTY[0]
    raise UnsupportedQueryError(kind.__name__)


# ------------------------------------------------------------------------------ one term's matcher


def _evaluate(matcher, segment: _Segment, within: np.ndarray | None) -> _Scored:
    """A Term's matcher: its postings (less deleted documents) and their scores, boosted."""
    kind = type(matcher)
    if kind is W3LeafMatcher or kind is ListMatcher:
        return _leaf(matcher, segment, within)
    if kind is FilterMatcher:
        ids, scores = _evaluate(matcher.child, segment, within)
        listed = np.isin(ids, _id_array(segment, matcher._ids), assume_unique=True)
        keep = ~listed if matcher._exclude else listed
        return ids[keep], scores[keep] * matcher.boost
    if kind is WrappingMatcher:
        ids, scores = _evaluate(matcher.child, segment, within)
        return ids, scores * matcher.boost
    if kind is NullMatcherClass:
        return _EMPTY
    raise UnsupportedQueryError(kind.__name__)


def _spread(ids: np.ndarray, part_ids: np.ndarray, part_scores: np.ndarray) -> np.ndarray:
    """`part_scores` placed at their documents' positions in `ids` (a superset of `part_ids`
    for unions; any sorted array for an optional part), 0.0 elsewhere."""
    out = np.zeros(len(ids), dtype=np.float64)
    if len(part_ids) and len(ids):
        at = np.searchsorted(ids, part_ids)
        found = at < len(ids)
        found[found] = ids[at[found]] == part_ids[found]
        out[at[found]] = part_scores[found]
    return out


def _id_array(segment: _Segment, ids) -> np.ndarray:
    """A FilterMatcher's set (a segment's deleted documents: one set per reader) as a sorted array."""
    memo: dict = segment.top.__dict__.setdefault("_id_arrays", {})
    key = id(ids)
    if key not in memo:
        if len(memo) >= MASKS_MEMO:
            memo.clear()
        memo[key] = (
            ids,
            np.sort(np.fromiter(ids, dtype=np.int64, count=len(ids))),
        )  # the set kept: its id stays its own
    return memo[key][1]


def _leaf(matcher, segment: _Segment, within: np.ndarray | None) -> _Scored:
    ids, weights = _postings(matcher, within)
    scorer = matcher.scorer if type(matcher) is W3LeafMatcher else matcher._scorer
    if scorer is None or type(scorer) is WeightScorer:  # a ListMatcher without a scorer scores its weight
        return ids, weights
    if type(scorer) is not BM25FScorer:
        raise UnsupportedQueryError(type(scorer).__name__)
    fieldname = matcher.term()[0]
    length_bytes = segment.length_bytes(fieldname)
    fl = _LENGTH_OF_BYTE[length_bytes[ids]] if length_bytes is not None else np.ones(len(ids))  # no column: 1
    # bm25() of whoosh.scoring, operation for operation, on arrays
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    return ids, idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))


def _postings(matcher, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """A term's document numbers and weights in one segment as Whoosh stores them; with `within`, only
    those documents, and blocks of postings holding none of them are not even unpacked."""
    if type(matcher) is ListMatcher:  # postings inlined in the term's info
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._all_weights:
            weights = np.full(len(ids), matcher._all_weights, dtype=np.float64)
        elif matcher._weights:
            weights = np.asarray(matcher._weights, dtype=np.float64)
        else:
            weights = np.ones(len(ids), dtype=np.float64)
        return _narrowed(ids, weights, within)
    if matcher._byteids:
        raise UnsupportedQueryError("byte ids")
    matcher.reset()  # at the first block, whatever a wrapper's set-up read
    deltas, weights, starts, last_ids = [], [], [], []
    size, previous_last = 0, -1
    while True:
        last = matcher._maxid
        wanted = within is None or np.searchsorted(within, previous_last, "right") < np.searchsorted(
            within, last, "right"
        )  # some document of `within` lies in (previous block's last id, this block's last id]
        if wanted:
            matcher._read_data()
            block_ids, block_weights, _ = matcher._data
            count = matcher._blocklength
            starts.append(size)
            last_ids.append(last)
            deltas.append(block_ids)  # delta-encoded from 0 in each block
            if block_weights is None:
                weights.append(np.ones(count, dtype=np.float64))
            elif isinstance(block_weights, float):  # Whoosh reads a block's one weight into a float32 array
                weights.append(np.full(count, np.float32(block_weights), dtype=np.float64))
            else:
                weights.append(np.asarray(block_weights, dtype=np.float64))
            size += count
        previous_last = last
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    if not size:
        return _EMPTY
    ids = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=size)
    if len(starts) > 1:  # continue each block's deltas from the previous block read's last id
        ids[starts[1:]] -= np.asarray(last_ids[:-1], dtype=np.int64)
    return _narrowed(np.cumsum(ids), np.concatenate(weights), within)


def _narrowed(ids: np.ndarray, values: np.ndarray, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if within is None:
        return ids, values
    if not len(within):
        return _EMPTY
    at = np.minimum(np.searchsorted(within, ids), len(within) - 1)
    keep = within[at] == ids
    return ids[keep], values[keep]
