"""The array ranking (app.search.ranking) against Whoosh's own matchers on a real index: the same score
for every match, the same best hits in the same order, the same counts; Whoosh's path for the shapes
it does not cover; the spelling neighbours' shortcut against measuring every word."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.query import And, FuzzyTerm, Not, NumericRange, Or, Phrase, Prefix, Term

from app.search import counting, queries, ranking, spelling
from app.search.analysis import analyze
from app.search.similarity import post_document, post_schema

pytestmark = pytest.mark.backends("whoosh")

START = datetime(2026, 1, 1, tzinfo=UTC)
TITLES = [
    "چاله‌ی بزرگ در خیابان ولیعصر",
    "چاله",  # a short title: the best score for its word
    "چاله",  # the same again: a tie, broken by document number
    "چراغ خیابان خاموش است و چاله هم دارد",
    "نیمکت شکسته در پارک ملت",
    "Pothole on Main Street",
    "pothole",
    "Street light out, pothole next to it, another pothole further on",
    "درخت افتاده روی خیابان",
    "سطل زباله‌ی سوخته کنار خیابان",
    "Abandoned car parked on the street for weeks",
    "car",
    "car car car blocking the car park",
]
BODIES = ["", "چاله‌ها پر نشده‌اند", "street repairs needed", "خیابان و پارک و چاله", "car park"]


def _document(number: int) -> dict:
    title = TITLES[number % len(TITLES)]
    body = BODIES[number % len(BODIES)] if number % 3 else ""
    return post_document(
        id=str(number),
        title=title,
        body=body,
        kind="problem" if number % 4 else "idea",
        status="published",
        is_public=number % 7 != 3,
        created=START + timedelta(days=number),
    )


def _three_segments(folder) -> FileIndex:
    """An index of three segments (its documents in 60 posts' order), some deleted and written again."""
    ix = FileStorage(str(folder)).create_index(post_schema())
    for first in (0, 25, 45):
        writer = ix.writer()
        for number in range(first, {0: 25, 25: 45, 45: 60}[first]):
            writer.add_document(**_document(number))
        writer.commit(merge=False)
    writer = ix.writer()
    for number in (2, 11, 30, 51):  # edited: the old copy deleted, the new one at the end
        writer.delete_by_term("id", str(number))
        writer.add_document(**_document(number))
    writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """The three-segment index, built once for the tests that only read it."""
    return _three_segments(tmp_path_factory.mktemp("three-segments"))


def _words(text: str, *filters) -> And:
    return queries._all_words(queries.query_groups(text), list(filters))


SHAPES = [
    _words("چاله"),
    _words("چاله خیابان"),
    _words("pothole street"),
    _words("car"),
    _words("car park street"),  # three title alternatives: Whoosh's array union in small segments
    _words("خیابان پارک چاله"),
    _words("خیابان", Term("kind", "problem")),
    _words("pothole", NumericRange("created", int((START + timedelta(days=5)).timestamp()), None)),
    And([Or([Term("text", "چاله"), Term("text", "خیابان")]), Or([Term("text", w) for w in analyze("پارک درخت")])]),
]


@pytest.mark.parametrize("query", SHAPES, ids=range(len(SHAPES)))
def test_every_match_scores_as_whoosh_scores_it(index, query):
    with index.searcher() as searcher:
        assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
        whoosh = {hit.docnum: hit.score for hit in searcher.search(query, limit=None, optimize=False)}
        assert whoosh, "the query matches something"
        ids, scores = ranking.matches(searcher, query)
        assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == whoosh  # exactly, not nearly


@pytest.mark.parametrize("query", SHAPES, ids=range(len(SHAPES)))
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_the_best_hits_are_whooshs_best_scores_leaving_hidden_ones_out(index, query, limit):
    with index.searcher() as searcher:
        hidden = counting.hidden_documents(searcher, Term("is_public", False))
        assert hidden
        every = searcher.search(query, limit=None, optimize=False, mask=set(hidden))
        best = sorted((-hit.score, hit.docnum) for hit in every)[:limit]
        docnums, _ = ranking.ranked(searcher, query, hidden, limit=limit, bound=1000)
        assert docnums == [docnum for _, docnum in best]


def test_a_better_hit_in_a_later_segment_is_not_missed(index):
    """Whoosh's limited search narrows its matchers as its N-th score rises, and with the title bonus as
    an array union (three title words in a small segment) it then misses matches: for "car park street"
    its best 1 here is 36 (whoosh-reloaded 2.7.5), though 49 (visible) scores higher. The array path ranks
    by the scores themselves."""
    query = SHAPES[4]
    with index.searcher() as searcher:
        hidden = counting.hidden_documents(searcher, Term("is_public", False))
        scores = {hit.docnum: hit.score for hit in searcher.search(query, limit=None, optimize=False)}
        docnums, _ = ranking.ranked(searcher, query, hidden, limit=1, bound=1000)
        assert scores[docnums[0]] == max(score for docnum, score in scores.items() if docnum not in hidden)


def test_ties_are_broken_by_document_number(index):
    with index.searcher() as searcher:
        ids, scores = ranking.matches(searcher, _words("چاله"))
        docnums, _ = ranking.ranked(searcher, _words("چاله"), frozenset(), limit=3, bound=1000)
        best = scores.max()
        assert (scores == best).sum() >= 2  # the short titles tie
        assert docnums[:2] == sorted(ids[scores == best].tolist())[:2]


@pytest.mark.parametrize("bound", [1, 2, 5, 1000])
def test_counts_are_the_walks_exact_count_or_its_estimate(index, bound):
    with index.searcher() as searcher:
        hidden = counting.hidden_documents(searcher, Term("is_public", False))
        for query in SHAPES:
            _, total = ranking.ranked(searcher, query, hidden, limit=1, bound=bound)
            assert total == counting.count_matches(searcher, queries._required(query), hidden, bound=bound)


def test_a_new_searcher_scores_with_the_new_index_lengths(tmp_path):
    index = _three_segments(tmp_path)  # written to: its own copy
    with index.searcher() as searcher:
        ranking.matches(searcher, _words("چاله"))  # lengths remembered on this searcher
    writer = index.writer()
    writer.add_document(**post_document(id="999", title="چاله " * 30, body="چاله"))
    writer.commit(merge=False)
    with index.searcher() as searcher:
        whoosh = {hit.docnum: hit.score for hit in searcher.search(_words("چاله"), limit=None, optimize=False)}
        ids, scores = ranking.matches(searcher, _words("چاله"))
        assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == whoosh and len(whoosh) > 20


@pytest.mark.parametrize(
    "query",
    [
        Phrase("title", ["pothole", "street"]),
        Prefix("text", "چال"),
        FuzzyTerm("text", "pothol"),
        And([Term("text", "car"), Not(Term("title", "car"))]),
    ],
    ids=["phrase", "prefix", "fuzzy", "not"],
)
def test_phrases_prefixes_fuzzy_terms_and_negations_go_to_whooshs_path(index, query):
    with index.searcher() as searcher:
        assert not ranking.covers(searcher, query)
        with pytest.raises(ranking.UnsupportedQueryError):
            ranking.ranked(searcher, query, frozenset(), limit=10, bound=1000)


def test_the_search_pages_queries_are_covered(index):
    with index.searcher() as searcher:
        assert all(ranking.covers(searcher, query) for query in SHAPES)


def test_pages_of_the_search_follow_whooshs_scores(app, make):
    from flask_login import AnonymousUserMixin

    from app.search.store import index_store

    posts = [make.post(title=f"چاله شماره {n}", body="یک چاله‌ی عمیق در پیاده‌رو هست " + "چاله " * n) for n in range(7)]
    visitor = AnonymousUserMixin()
    pages = [queries.search_posts(queries.SearchRequest(text="چاله", per_page=3, page=p), visitor) for p in (1, 2, 3)]
    found = [hit.post.id for page in pages for hit in page.hits]
    with index_store().searcher() as searcher:
        every = searcher.search(_words("چاله"), limit=None, optimize=False)
        expected = [int(searcher.stored_fields(d)["id"]) for _, d in sorted((-h.score, h.docnum) for h in every)]
    assert found == expected and sorted(found) == sorted(post.id for post in posts)
    assert [page.total for page in pages] == [7, 7, 7] and not pages[2].has_next


@pytest.fixture(scope="module")
def long_postings(tmp_path_factory):
    """Postings of several blocks (Whoosh writes 128 a block): 700 posts with a common word, a rare one
    in three of them, in two segments, a few deleted. Built once: its tests only read it."""
    ix = FileStorage(str(tmp_path_factory.mktemp("long-postings"))).create_index(post_schema())
    for first, last in ((0, 400), (400, 700)):
        writer = ix.writer()
        for n in range(first, last):
            rare = " نیمکت شکسته" if n in (7, 9, 611) else ""
            title = f"چاله در خیابان{rare}" if n % 5 else f"چاله {n}"
            writer.add_document(**post_document(id=str(n), title=title, body="چاله " * (n % 4) + "پیاده‌رو"))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in (97, 450):
        writer.delete_by_term("id", str(n))
    writer.commit(merge=False)
    return ix


@pytest.mark.parametrize("text", ["چاله", "چاله نیمکت", "نیمکت چاله خیابان", "پیاده‌رو شکسته"])
def test_a_rare_word_reads_only_the_blocks_it_needs_and_scores_stay_whooshs(long_postings, text):
    with long_postings.searcher() as searcher:
        query = _words(text)
        whoosh = {hit.docnum: hit.score for hit in searcher.search(query, limit=None, optimize=False)}
        ids, scores = ranking.matches(searcher, query)
        assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == whoosh and whoosh
        assert searcher.doc_frequency("text", "چاله") > 3 * 128


@pytest.mark.parametrize("word", ["چاله", "چاهل", "خیابن", "potholl", "stret", "car", "cra", "نیمکت"])
def test_spelling_neighbours_are_every_word_within_the_distance(index, word):
    with index.searcher() as searcher:
        for maxdist in (1, 2):
            everyone = sorted(
                term.decode("utf-8")
                for term in searcher.reader().expand_prefix(spelling.SPELL_FIELD, word[:1])
                if spelling.edit_distance(word, term.decode("utf-8")) <= maxdist
            )
            assert spelling._terms_within(searcher, word, maxdist) == everyone
