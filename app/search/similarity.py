"""Similar posts: the posts index schema and a ranking of existing posts against a post being written.

Pure Whoosh, no Flask. Candidates come from ONE flat OR (the rarest words and character n-grams of
the new post under a postings budget, and the place-and-week cells around it), summed straight from
the postings; the best few are re-ranked in Python by text similarity (word and n-gram cosine),
distance, age, category and whether the post is still open. Keep one warm searcher per process:
idf values are cached on it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher

from app.search.analysis import analyze, ngram_analyzer, text_ngrams
from app.search.compounds import IndexAnalyzer
from app.search.fusion import script_of, zsum

CELL_LAT_DEG = 0.002  # about 220 m north-south
CELL_LON_DEG = 0.0025  # about 200-225 m east-west at the latitudes of Boston and Mashhad
WEEK_SECONDS = 7 * 86400
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Weights:
    """Constants of the similar-posts ranking, tuned on the dupbench dev sets (still_open: untuned)."""

    key_words: int = 10  # rarest words of the new post sent to the index
    key_grams: int = 16  # rarest character 3-grams sent to the index
    word_postings: int = 3000  # most postings the key words may bring (cost cap, see _top_terms)
    gram_postings: int = 3000  # same for the key n-grams
    gram_boost: float = 0.5  # an n-gram hit against a word hit, in candidate generation
    place_weeks: int = 8  # weeks of place-and-week cells asked for (answers: p90 age 14 days)
    place_share: float = 1.5  # a place-and-week hit outranks any text-only match (ties with exact text otherwise)
    pool: int = 60  # candidates re-ranked in Python
    word_share: float = 0.3  # word cosine vs n-gram cosine in the text similarity
    coverage_share: float = 0.3  # share of the query's key-term weight a post has, vs the cosine
    gram_idf_power: float = 1.5  # n-gram idf raised to this power: rare n-grams (plates, names) count more
    near: float = 1.5  # bonus of a post at the same spot, fading smoothly with distance
    near_m: float = 50.0  # distance at which the place bonus has halved (answers: p50 10 m, p90 52 m)
    recent: float = 1.0  # bonus of a post written just now, fading smoothly with age
    recent_days: float = 3.0  # age at which the recency bonus has halved (answers: p50 1.7 days)
    same_category: float = 0.2
    still_open: float = 0.05
    # Meaning (app.search.embeddings): the embedding cosine, mapped to 0..1 between these two values
    # (e5: unrelated posts 0.72-0.86, paraphrases and translations 0.9+), is mixed into the text similarity.
    meaning_pool: int = 20  # nearest posts by embedding added to the candidates
    meaning_share: float = 0.6  # of the text similarity, when the post and the query share a script
    meaning_floor: float = 0.80
    meaning_top: float = 1.0
    cross_share: float = 0.9  # text similarity of a post in the other script: meaning alone, times this
    # Drafts in these scripts mix meaning into posts of their own script too; the others (English) use
    # it only across scripts: on Boston's English reports meaning gained nothing with place and time and
    # lost text-only recall@5 (0.411 -> 0.386), on Persian questions it gained (0.970 -> 0.986). Note 0023.
    meaning_scripts: str = "arabic"  # space-separated script_of() names; "arabic latin" for both
    zsum: bool = False  # fuse by the sum of per-query z-scores instead (measured, not used: no 0..1 scale)


OPEN_STATUSES = frozenset({"published", "forwarded", "in_progress", "open"})


@dataclass
class QueryPost:
    """The post being written (or looked at): text, and optionally category, place and time."""

    title: str
    body: str = ""
    category: str | None = None
    lat: float | None = None
    lon: float | None = None
    now: datetime | None = None
    exclude_ids: frozenset[str] = field(default_factory=frozenset)
    allow_later: bool = False  # also posts written after `now` (a post's page, the moderation queue)


class Meaning(Protocol):
    """What the embeddings say about the query: its nearest posts, and its cosine with any post."""

    neighbours: Mapping[str, float]  # post id -> cosine, the nearest posts by embedding

    def cosines(self, ids: list[str]) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class SimilarPost:
    """One ranked answer: the post id, the final score and its parts for explaining it."""

    id: str
    score: float
    text: float
    distance_m: float | None
    age_days: float | None
    lexical: float = 0.0  # text similarity of the words alone
    meaning: float | None = None  # embedding cosine, when known


# ------------------------------------------------------------------------------------------ schema


def post_schema() -> Schema:
    """The posts index: ids and filters, word fields, an n-gram field, place and time."""
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        status=ID(stored=True),
        is_public=BOOLEAN(stored=True),
        category=ID(stored=True),
        department=ID(stored=True),
        author=ID(),
        # Words, and the joined form of words written apart (app.search.compounds)
        # phrase=False: no positions (nothing searches phrases), less to write and read.
        # text also gets spell_text: the unstemmed words for "did you mean".
        title=TEXT(analyzer=IndexAnalyzer(), stored=True, phrase=False),
        text=TEXT(analyzer=IndexAnalyzer(), spelling=True, phrase=False),
        grams=TEXT(analyzer=ngram_analyzer(), phrase=False),
        # Place: read back for the distance, never searched (the place-and-week cell finds neighbours)
        lat=STORED(),
        lon=STORED(),
        cell=KEYWORD(),
        # Time: date ranges (16-bit tiers: 4 terms a post, each range still a few terms a tier)
        created=NUMERIC(int, bits=64, stored=True, sortable=True, shift_step=16),
        support=NUMERIC(int, stored=True, sortable=True, shift_step=0),  # sorted by, never a range: one term
        terms=STORED(),
        version=STORED(),  # fingerprint of the post's indexed fields, for `flask search check`
    )


def post_document(
    *,
    id: str,
    title: str,
    body: str = "",
    kind: str = "problem",
    status: str = "published",
    is_public: bool = True,
    category: str | None = None,
    department: str | None = None,
    author: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    created: datetime | None = None,
    support: int = 0,
) -> dict:
    """The fields of one post for writer.add_document / update_document."""
    text = f"{title}\n{body}" if body and body != title else title
    doc: dict = {
        "id": id,
        "kind": kind,
        "status": status,
        "is_public": is_public,
        "title": title,
        "text": text,
        "grams": text,
        "support": support,
        "terms": " ".join(analyze(text)),
    }
    doc.update({k: v for k, v in (("category", category), ("department", department), ("author", author)) if v})
    if lat is not None and lon is not None:
        doc.update(lat=lat, lon=lon)
    if created is not None:
        doc["created"] = _epoch(created)
        if lat is not None and lon is not None:
            doc["cell"] = place_week_cell(lat, lon, doc["created"])
    return doc


def place_week_cell(lat: float, lon: float, epoch: int, dlat: int = 0, dlon: int = 0, dweek: int = 0) -> str:
    """The place-and-week term of a point in time and space (or of a neighbouring cell)."""
    i = math.floor(lat / CELL_LAT_DEG) + dlat
    j = math.floor(lon / CELL_LON_DEG) + dlon
    return f"{i}:{j}:{epoch // WEEK_SECONDS - dweek}"


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


# ------------------------------------------------------------------------------------------ query

Clause = tuple[str, str, float]  # (field, term, weight) of one flat OR, summed per post


def candidate_clauses(searcher: Searcher, post: QueryPost, weights: Weights = Weights()) -> list[Clause]:
    """The flat OR that finds candidates: key words, key n-grams and place-and-week cells.

    A post scores the summed idf x query-tf of the key terms it has (at most the query's own total,
    unlike BM25) plus `place_share` x that total if it lies in a neighbouring cell of a recent week.
    """
    words = analyze(f"{post.title}\n{post.body}")
    _preload(searcher, "text", words)
    _preload(searcher, "grams", text_ngrams(words))
    key_words = _top_terms(searcher, "text", words, weights.key_words, weights.word_postings)
    key_grams = _top_terms(searcher, "grams", text_ngrams(words), weights.key_grams, weights.gram_postings)
    clauses = [("text", t, boost * idf) for t, boost, idf in key_words]
    clauses += [("grams", g, boost * idf * weights.gram_boost) for g, boost, idf in key_grams]
    full_match = sum(weight for _, _, weight in clauses) or 1.0
    return clauses + [("cell", c, weights.place_share * full_match) for c in _place_cells(post, weights)]


def _top_terms(
    searcher: Searcher, fieldname: str, terms: list[str], limit: int, budget: int
) -> list[tuple[str, float, float]]:
    """Up to `limit` rarest known terms whose postings add up to `budget` (the rarest always).

    Returns (term, query-tf boost, idf) triples. The budget keeps a query's cost flat as the index
    grows: a common word or n-gram would walk a long posting list for little gain.
    """
    counts = Counter(terms)
    known = sorted((df, t) for t in counts if (df := searcher.doc_frequency(fieldname, t)))
    chosen, spent = [], 0
    for df, t in known[:limit]:
        if chosen and spent + df > budget:
            break
        spent += df
        chosen.append((t, 1.0 + math.log(counts[t]), searcher.idf(fieldname, t)))
    return chosen


def _place_cells(post: QueryPost, weights: Weights) -> list[str]:
    if post.lat is None or post.lon is None or post.now is None or weights.place_share <= 0:
        return []
    now = _epoch(post.now)
    weeks = range(1 - weights.place_weeks, weights.place_weeks) if post.allow_later else range(weights.place_weeks)
    return [
        place_week_cell(post.lat, post.lon, now, di, dj, dw) for di in (-1, 0, 1) for dj in (-1, 0, 1) for dw in weeks
    ]


def _candidates(searcher: Searcher, clauses: list[Clause], limit: int) -> list[tuple[int, float]]:
    """The `limit` best posts of the flat OR as (docnum, share of the text weight it matched).

    Summed straight from the postings: same ranking as a flat whoosh Or with ARRAY_MATCHER, but that
    matcher scans every document number of the index in Python; measured at 100k posts this is 2.3x
    faster (p95 CPU 12.6 vs 29.2 ms) and costs what the capped postings cost, whatever the index size.
    """
    text, place = _clause_sums(searcher, clauses)
    total = sum(weight for fieldname, _, weight in clauses if fieldname != "cell") or 1.0
    best = heapq.nlargest(limit, text.keys() | place.keys(), key=lambda d: text.get(d, 0.0) + place.get(d, 0.0))
    return [(docnum, text.get(docnum, 0.0) / total) for docnum in best]


def _clause_sums(searcher: Searcher, clauses: list[Clause]) -> tuple[dict[int, float], dict[int, float]]:
    """Per document, the summed weight of the text clauses it matches, and of the place cells."""
    if hasattr(searcher, "clause_sums"):  # another backend sums in its own store (app.search.pg)
        return searcher.clause_sums(clauses)
    text: dict[int, float] = {}
    place: dict[int, float] = {}
    segments = [(searcher, 0)] if searcher.is_atomic() else searcher.subsearchers
    for fieldname, term, weight in clauses:
        scores = place if fieldname == "cell" else text
        for docnum in _documents_with(segments, fieldname, term):
            scores[docnum] = scores.get(docnum, 0.0) + weight
    return text, place


def _documents_with(segments: list[tuple[Searcher, int]], fieldname: str, term: str) -> Iterator[int]:
    """The document numbers of a term's postings, deleted documents skipped, read from each segment
    that has the term. (Searcher.postings would also build a scorer per segment and one for the
    whole index, each asking for the term's statistics again: a third of a ranking's time.)"""
    for segment, offset in segments:
        reader = segment.reader()
        if (fieldname, term) in reader:
            for docnum in reader.postings(fieldname, term).all_ids():  # skips deleted documents
                yield docnum + offset


def _preload(searcher: Searcher, fieldname: str, terms: Iterable[str]) -> None:
    """Ask for many terms' statistics at once where that saves round trips (app.search.pg)."""
    if hasattr(searcher, "preload_terms"):
        searcher.preload_terms(fieldname, terms)


def _prefetch(searcher: Searcher, docnums: Iterable[int]) -> None:
    """Read many documents' stored fields at once where that saves round trips (app.search.pg)."""
    if hasattr(searcher, "prefetch"):
        searcher.prefetch(docnums)


# ---------------------------------------------------------------------------------------- ranking


def find_similar(
    searcher: Searcher,
    post: QueryPost,
    *,
    limit: int = 10,
    weights: Weights = Weights(),
    public_only: bool = True,
    meaning: Meaning | None = None,
) -> list[SimilarPost]:
    """The `limit` posts most similar to `post`, best first (posts created after post.now ignored).

    With `meaning`, the nearest posts by embedding join the candidates and each candidate's text
    similarity mixes words and meaning (see Weights); without it, words alone.
    """
    clauses = candidate_clauses(searcher, post, weights)
    qvec = _vectors(searcher, analyze(f"{post.title}\n{post.body}"), weights.gram_idf_power)
    now = _epoch(post.now) if post.now is not None else None
    candidates = _candidates(searcher, clauses, weights.pool)
    script = script_of(f"{post.title} {post.body}")
    # Whether meaning counts for posts in the query's own script (else only for the other script's)
    same_script = script is None or script in weights.meaning_scripts.split()
    if meaning is not None:
        seen = {docnum for docnum, _ in candidates}
        candidates += _meaning_candidates(searcher, meaning, clauses, seen, weights, None if same_script else script)
    _prefetch(searcher, [docnum for docnum, _ in candidates])
    docs = []
    for docnum, coverage in candidates:
        doc = searcher.stored_fields(docnum)
        if doc["id"] in post.exclude_ids or (public_only and not doc.get("is_public", True)):
            continue
        if now is not None and not post.allow_later and doc.get("created") is not None and doc["created"] > now:
            continue
        docs.append((doc, coverage))
    asked = [doc["id"] for doc, _ in docs if same_script or script_of(doc.get("title", "")) not in (None, script)]
    cosines = meaning.cosines(asked) if meaning is not None and asked else {}
    if hasattr(searcher, "preload_terms"):
        doc_words = [word for doc, _ in docs for word in doc["terms"].split()]
        _preload(searcher, "text", doc_words)
        _preload(searcher, "grams", text_ngrams(doc_words))
    ranked = [
        _rank(searcher, post, doc, qvec, coverage, now, weights, cosines.get(doc["id"]), script)
        for doc, coverage in docs
    ]
    if weights.zsum and cosines:
        ranked = zsum(ranked, [cosines.get(s.id) for s in ranked])
    ranked.sort(key=lambda s: -s.score)
    return ranked[:limit]


def _meaning_candidates(
    searcher: Searcher,
    meaning: Meaning,
    clauses: list[Clause],
    seen: set[int],
    weights: Weights,
    skip_script: str | None = None,
) -> list[tuple[int, float]]:
    """The nearest posts by embedding that words did not bring, with the share of key terms they have
    (but those in `skip_script`: meaning does not rank them)."""
    text_clauses = [(f, t, w) for f, t, w in clauses if f != "cell"]
    total = sum(w for _, _, w in text_clauses) or 1.0
    found = []
    _prefetch(searcher, [int(post_id) for post_id in list(meaning.neighbours)[: weights.meaning_pool]])
    for post_id in list(meaning.neighbours)[: weights.meaning_pool]:
        docnum = searcher.document_number(id=post_id)
        if docnum is None or docnum in seen:
            continue
        stored = searcher.stored_fields(docnum)
        if skip_script is not None and script_of(stored.get("title", "")) == skip_script:
            continue
        words = stored["terms"].split()
        has = {"text": set(words), "grams": set(text_ngrams(words))}
        found.append((docnum, sum(w for f, t, w in text_clauses if t in has[f]) / total))
    return found


def _rank(
    searcher: Searcher,
    post: QueryPost,
    doc: Mapping,
    qvec: tuple[dict, dict],
    coverage: float,
    now: int | None,
    weights: Weights,
    meaning: float | None = None,
    script: str | None = None,
) -> SimilarPost:
    """Final score: text similarity in 0..1 (words, and meaning when known) plus smooth place,
    recency, category and status bonuses."""
    dvec = _vectors(searcher, doc["terms"].split(), weights.gram_idf_power)
    cosine = weights.word_share * _cosine(qvec[0], dvec[0])
    cosine += (1.0 - weights.word_share) * _cosine(qvec[1], dvec[1])
    lexical = (1.0 - weights.coverage_share) * cosine + weights.coverage_share * coverage
    text = lexical
    if meaning is not None:
        span = weights.meaning_top - weights.meaning_floor
        near = min(1.0, max(0.0, (meaning - weights.meaning_floor) / span))
        if script is not None and script_of(doc.get("title", "")) not in (None, script):
            text = max(lexical, weights.cross_share * near)  # other script: words cannot match, meaning decides
        else:
            text = (1.0 - weights.meaning_share) * lexical + weights.meaning_share * near
    score = text
    distance = None
    if post.lat is not None and post.lon is not None and doc.get("lat") is not None:
        distance = haversine_m(post.lat, post.lon, doc["lat"], doc["lon"])
        score += weights.near / (1.0 + distance / weights.near_m)
    age = None
    if now is not None and doc.get("created") is not None:
        age = abs(now - doc["created"]) / 86400 if post.allow_later else max(0.0, (now - doc["created"]) / 86400)
        score += weights.recent / (1.0 + age / weights.recent_days)
    if post.category and doc.get("category") == post.category:
        score += weights.same_category
    if post.now is not None and doc.get("status") in OPEN_STATUSES:
        score += weights.still_open
    return SimilarPost(doc["id"], score, text, distance, age, lexical, meaning)


def _vectors(searcher: Searcher, words: list[str], gram_power: float) -> tuple[dict[str, float], dict[str, float]]:
    """Sublinear tf × idf vectors of a text's analysed words and of their n-grams."""
    return _tfidf(searcher, "text", words), _tfidf(searcher, "grams", text_ngrams(words), gram_power)


def _tfidf(searcher: Searcher, fieldname: str, terms: Iterable[str], power: float = 1.0) -> dict[str, float]:
    counts = Counter(terms)
    return {t: (1.0 + math.log(c)) * searcher.idf(fieldname, t) ** power for t, c in counts.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
