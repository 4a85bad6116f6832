"""The search page's service: words and filters in, one page of visible posts with snippets out.

No request, no form: the web page, a JSON API or a test call `search_posts(SearchRequest(...), user)`.
Matching is strict first (every word of the query, in any form the analyzer folds together); when
nothing matches, the query with its misspellings corrected; then, for each word, any known word a
letter or two away ("approximate"). Every hit is re-read from the database and dropped unless the
viewer may see it and it still fits the filters.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from whoosh import sorting
from whoosh.query import And, AndMaybe, AndNot, NumericRange, Or, Query, Term
from whoosh.searching import Searcher

from app.extensions import db
from app.posts.models import Post, PostKind, PostStatus
from app.posts.permissions import can_view_post
from app.search import counting, ranking, spelling
from app.search.analysis import analyze
from app.search.backend import search_backend
from app.search.compounds import term_groups
from app.search.counting import TopHits, Total, count_matches, hidden_documents
from app.search.permissions import hidden_from
from app.search.snippets import highlight, snippet

log = logging.getLogger(__name__)
QUERY_MAX = 200  # characters of a query
WORDS_MAX = 12  # analysed words of a query used
SPLIT_PART_MIN = 3  # letters in each half of a joined query word looked for as two words
SPLIT_COUNT_CAP = 50  # posts counted per half when choosing where to split
Splitter = Callable[[str], tuple[str, str] | None]
TITLE_BOOST = 2.0  # a word in the title counts this much more than in the text
MAX_PAGE = 100  # deeper pages are never useful; refining the query is
SEARCH_ARGS = ("q", "kind", "category", "status", "department", "date_from", "date_to", "sort")  # kept in links


class SearchSort(enum.StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SUPPORTED = "supported"


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    kind: PostKind | None = None
    category_id: int | None = None
    status: PostStatus | None = None
    department_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: SearchSort | None = None  # None: by relevance when there are words, else newest first
    page: int = 1
    per_page: int = 20

    @property
    def has_criteria(self) -> bool:
        filters = (self.kind, self.category_id, self.status, self.department_id, self.date_from, self.date_to)
        return bool(self.text.strip()) or any(value is not None for value in filters)


@dataclass
class SearchHit:
    post: Post
    title: Markup
    snippet: Markup


@dataclass
class SearchResults:
    request: SearchRequest
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    corrected: str | None = None  # the results are for this corrected query (none matched as typed)
    suggestion: str | None = None  # "did you mean": a better query than the one that matched
    approximate: bool = False  # nothing matched exactly; these have words a letter or two away
    available: bool = True  # False while there is no index yet
    total_is_estimate: bool = False  # more than COUNT_EXACT matched: `total` is rounded, from a count that stopped

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / self.request.per_page)))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def number(self) -> int:  # the pager macro's name for the page
        return self.page

    @property
    def first(self) -> int:
        return (self.page - 1) * self.request.per_page + 1


def search_posts(request: SearchRequest, viewer) -> SearchResults:
    """One page of the posts the viewer may see that match the request."""
    results = SearchResults(request)
    try:
        found = search_backend().search(request, viewer, results)
    except Exception:  # a damaged index: say search is unavailable rather than fail the page
        log.exception("Search failed; run `flask search check --fix` or `flask search rebuild`")
        return SearchResults(request, available=False)
    if found is None:
        results.available = False
        return results
    ids, terms = found
    posts = _visible_posts(ids, request, viewer)
    if not results.total_is_estimate:
        results.total -= len(ids) - len(posts)  # a hit the database refused (the index lags a moment)
    results.hits = [SearchHit(p, highlight(p.title, terms), snippet(p.body, terms)) for p in posts]
    return results


def matching_post_ids(text: str, *, department_id: int | None = None, limit: int = 2000) -> list[int] | None:
    """Posts (any status: the caller narrows them to what its viewer may see) with every word of
    `text`, best first; None when the index cannot answer."""
    words = query_terms(text)
    if not words:
        return []
    try:
        return search_backend().matching_ids(words, department_id, limit)
    except Exception:  # a damaged index: the caller says search is unavailable rather than fail the page
        log.exception("Search failed; run `flask search check --fix` or `flask search rebuild`")
        return None


def whoosh_search(store, request: SearchRequest, viewer, results: SearchResults):
    """The Whoosh backend's search (app.search.backend): None while there is no index."""
    with store.searcher() as searcher:
        if searcher is None:
            return None
        groups = query_groups(request.text, _splitter(searcher, viewer))
        ids, total, terms = _run(searcher, request, viewer, groups, results)
    results.total, results.total_is_estimate = total.count, not total.exact
    return ids, terms


def whoosh_matching_ids(store, words: list[str], department_id: int | None, limit: int) -> list[int] | None:
    filters = [Term("department", str(department_id))] if department_id is not None else []
    with store.searcher() as searcher:
        if searcher is None:
            return None
        groups = [(word,) for word in words]  # analysed words: no joined forms to look for
        return [int(hit["id"]) for hit in searcher.search(_all_words(groups, filters), limit=limit)]


def query_terms(text: str) -> list[str]:
    """The analysed words of a query, each once, in order."""
    return list(dict.fromkeys(analyze(text[:QUERY_MAX])))[:WORDS_MAX]


def query_groups(text: str, split: Splitter | None = None) -> list[tuple[str, ...]]:
    """What a query asks for: per word, the terms that answer it (itself, or joined with a neighbour)."""
    return term_groups(text[:QUERY_MAX], split)[:WORDS_MAX]


def _splitter(searcher: Searcher, viewer) -> Splitter:
    """split(word) for term_groups: the two words a joined word the viewer's posts barely know stands for.

    اطلاعرسانی → (اطلاع, رسانی) when posts hold both; of several splits, the one whose rarer half is
    most common. Counted in the posts the viewer may find only (`viewer` None: in every post).
    """
    hidden: frozenset[int] | None = None

    def known(word: str, cap: int) -> int:
        nonlocal hidden
        if hidden is None:
            mask = hidden_from(viewer) if viewer is not None else None
            hidden = hidden_documents(searcher, mask)
        terms = analyze(word)
        return spelling.visible_count(searcher, terms[0], hidden, cap=cap, fieldname="text") if terms else 0

    def split(word: str) -> tuple[str, str] | None:
        if len(word) < 2 * SPLIT_PART_MIN or known(word, spelling.COMMON_ENOUGH) >= spelling.COMMON_ENOUGH:
            return None
        best: tuple[int, str, str] | None = None
        for cut in range(SPLIT_PART_MIN, len(word) - SPLIT_PART_MIN + 1):
            first, second = word[:cut], word[cut:]
            count = min(known(first, SPLIT_COUNT_CAP), known(second, SPLIT_COUNT_CAP))
            if count and (best is None or count > best[0]):
                best = (count, first, second)
        return None if best is None else (best[1], best[2])

    return split


def _terms_of(groups: list[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(term for group in groups for term in group)


def _run(
    searcher: Searcher, request: SearchRequest, viewer, groups: list[tuple[str, ...]], results: SearchResults
) -> tuple[list[int], Total, frozenset[str]]:
    mask = hidden_from(viewer)
    page = partial(_page, searcher, request=request, hidden=mask)
    filters = _filters(request)
    if not groups:  # filters only (or only stopwords typed: then nothing)
        query = None if request.text.strip() or not filters else And(filters)
        return (*page(query, default=SearchSort.NEWEST), frozenset())
    ids, total = page(_all_words(groups, filters))
    if total:  # found as typed: no "did you mean", however rare the words
        return ids, total, _terms_of(groups)
    hidden_docs = hidden_documents(searcher, mask)
    suggestion = spelling.suggest(searcher, request.text, hidden_docs)
    corrected_groups = query_groups(suggestion) if suggestion else []
    if corrected_groups:
        ids, total = page(_all_words(corrected_groups, filters))
        if total:
            results.corrected = suggestion
            return ids, total, _terms_of(corrected_groups)
    results.approximate = True  # a correction that finds nothing either is not offered
    query, stems = _approximate(searcher, request.text, filters, hidden_docs)
    ids, total = page(query)
    return ids, total, _terms_of(groups) | stems


def _all_words(groups: list[tuple[str, ...]], filters: list[Query]) -> Query:
    """Posts with every word in one of its forms (in the title or the text), ranked by BM25F with the
    title counting more."""
    required = And([_any_of("text", group) for group in groups] + filters)
    return AndMaybe(required, Or([Term("title", term, boost=TITLE_BOOST) for term in _terms_of(groups)]))


def _any_of(fieldname: str, terms: tuple[str, ...]) -> Query:
    return Term(fieldname, terms[0]) if len(terms) == 1 else Or([Term(fieldname, term) for term in terms])


def _approximate(
    searcher: Searcher, text: str, filters: list[Query], hidden: frozenset[int]
) -> tuple[Query | None, frozenset[str]]:
    """Posts with every word of the query or a known word one or two letters away (typos, colloquial forms).

    Words the index has nothing close to are left out. Built per word, so that a post must answer each
    word (character n-grams across a whole post matched too much by accident). "Known" means known
    to the viewer: words that only posts hidden from them contain decide nothing (`hidden`: their
    document numbers), or the number of results would tell that such a post exists.
    """
    groups, used = [], set()
    for word in spelling.typed_words(text)[:WORDS_MAX]:
        variants = (word, *spelling.neighbours(searcher, word, hidden=hidden))
        stems = {stem for variant in variants for stem in analyze(variant)}
        known = sorted(
            stem for stem in stems if spelling.visible_count(searcher, stem, hidden, cap=1, fieldname="text")
        )
        if known:
            groups.append(Or([Term("text", stem) for stem in known]))
            used.update(known)
    return (And(groups + filters) if groups else None), frozenset(used)


def _filters(request: SearchRequest) -> list[Query]:
    filters: list[Query] = []
    for fieldname, value in (
        ("kind", request.kind),
        ("status", request.status),
        ("category", request.category_id),
        ("department", request.department_id),
    ):
        if value is not None:
            filters.append(Term(fieldname, str(value)))
    if request.date_from is not None or request.date_to is not None:
        start = _epoch(request.date_from) if request.date_from else None
        end = _epoch(request.date_to + timedelta(days=1)) - 1 if request.date_to else None
        filters.append(NumericRange("created", start, end))
    return filters


def _epoch(day: date) -> int:
    """Midnight of the day in the city's time zone, as seconds since 1970 (the index's `created`)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return int(datetime.combine(day, time.min, tzinfo=zone).timestamp())


def _page(
    searcher: Searcher,
    query: Query | None,
    *,
    request: SearchRequest,
    hidden: Query | None,
    default: SearchSort = SearchSort.RELEVANCE,
) -> tuple[list[int], Total]:
    """The post ids on the requested page, and how many posts matched in all (leaving `hidden` out)."""
    if query is None:
        return [], Total(0)
    limit = request.page * request.per_page
    start = (request.page - 1) * request.per_page
    sort = request.sort or default
    if sort is SearchSort.RELEVANCE and default is not SearchSort.RELEVANCE:
        sort = default  # without words there is no relevance to order by
    hidden_docs = hidden_documents(searcher, hidden)
    if sort is SearchSort.RELEVANCE:
        bound = max(counting.COUNT_EXACT, limit)
        if ranking.covers(searcher, query):  # words, alternatives and filters: scored a posting list at a time
            try:
                docnums, total = ranking.ranked(searcher, query, hidden_docs, limit=limit, bound=bound)
            except ranking.UnsupportedQueryError:
                log.warning("Ranked search fell back to Whoosh's path for %r", query, exc_info=True)
            else:
                return [int(searcher.stored_fields(docnum)["id"]) for docnum in docnums[start:limit]], total
        # Whoosh's path: the best `limit` only, skipping the blocks of postings that cannot reach them
        # (block-max scores; hidden documents as a NOT clause, since a mask turns the skipping off).
        # Counting is a second, unscored walk that stops past COUNT_EXACT.
        ranked = AndNot(query, hidden) if hidden is not None and hidden_docs else query
        top = TopHits(limit=limit)
        searcher.search_with_collector(ranked, top)
        hits = top.results()
        total = count_matches(searcher, _required(query), hidden_docs, bound=bound)
        return [int(hit["id"]) for hit in hits[start:limit]], total
    mask = set(hidden_docs) if hidden_docs else None  # whoosh takes a set (not a frozenset) of document numbers
    if sort is SearchSort.NEWEST:
        hits = searcher.search(query, limit=limit, sortedby="created", reverse=True, mask=mask)
    else:
        order = sorting.MultiFacet(["support", "created"])
        hits = searcher.search(query, limit=limit, sortedby=order, reverse=True, mask=mask)
    return [int(hit["id"]) for hit in hits[start:limit]], Total(len(hits))


def _required(query: Query) -> Query:
    """What a document must match to be a hit: the words and filters, without the title's optional bonus."""
    return query.a if isinstance(query, AndMaybe) else query


def _visible_posts(ids: Sequence[int], request: SearchRequest, viewer) -> list[Post]:
    """The posts in the index's order, keeping only those the database says fit and may be seen."""
    if not ids:
        return []
    posts = {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))}
    return [posts[i] for i in ids if i in posts and can_view_post(viewer, posts[i]) and _fits(posts[i], request)]


def _fits(post: Post, request: SearchRequest) -> bool:
    return (
        (request.kind is None or post.kind is request.kind)
        and (request.status is None or post.status is request.status)
        and (request.category_id is None or post.category_id == request.category_id)
        and (request.department_id is None or post.department_id == request.department_id)
    )
