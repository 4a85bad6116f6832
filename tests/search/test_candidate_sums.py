"""The similar posts' candidates are summed from each segment's postings directly: the same sums as
Whoosh's own `Searcher.postings` over the whole index, deleted documents left out, on one segment
and on several."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from whoosh import index

from app.search.similarity import QueryPost, _clause_sums, candidate_clauses, post_document, post_schema

NOW = datetime(2026, 11, 20, tzinfo=UTC)
POSTS = [
    ("a", "آلودگی‌های هوا در میدان شهدا", 36.2970, 59.6060, 1),
    ("b", "چاله بزرگ در خیابان امام رضا", 36.2800, 59.6150, 40),
    ("c", "چاله‌ی بزرگ خیابان امام رضا نزدیک حرم", 36.2801, 59.6151, 2),
    ("d", "چاله در خیابان امام رضا", 36.2802, 59.6149, 3),
    ("e", "آلودگی هوا و دود در میدان شهدا", 36.2971, 59.6061, 5),
    ("f", "چراغ راهنمایی خیابان امام رضا خاموش است", 36.2803, 59.6152, 1),
]


def _whole_index_sums(searcher, clauses):
    """What the sums were before: Whoosh's postings of the whole index, term by term."""
    text: dict[int, float] = {}
    place: dict[int, float] = {}
    for fieldname, term, weight in clauses:
        if not searcher.doc_frequency(fieldname, term):
            continue
        scores = place if fieldname == "cell" else text
        postings = searcher.postings(fieldname, term)
        while postings.is_active():
            scores[postings.id()] = scores.get(postings.id(), 0.0) + weight
            postings.next()
    return text, place


@pytest.mark.parametrize("segments", [1, 3])
def test_candidate_sums_are_whooshs_own_without_deleted_posts(tmp_path, segments):
    ix = index.create_in(str(tmp_path), post_schema())
    per_segment = -(-len(POSTS) // segments)
    for start in range(0, len(POSTS), per_segment):
        with ix.writer() as writer:
            writer.merge = False  # one segment per commit
            for post_id, title, lat, lon, days in POSTS[start : start + per_segment]:
                created = NOW - timedelta(days=days)
                writer.add_document(**post_document(id=post_id, title=title, lat=lat, lon=lon, created=created))
    with ix.writer() as writer:
        writer.merge = False
        writer.delete_by_term("id", "d")  # a withdrawn post, still in its segment's postings
    assert len(ix.reader().leaf_readers()) == segments
    query = QueryPost(title="چاله های خیابون امام رضا", lat=36.2800, lon=59.6150, now=NOW, allow_later=True)
    with ix.searcher() as searcher:
        clauses = candidate_clauses(searcher, query)
        assert {fieldname for fieldname, _, _ in clauses} == {"text", "grams", "cell"}
        text, place = _clause_sums(searcher, clauses)
        assert (text, place) == _whole_index_sums(searcher, clauses)
        found = {searcher.stored_fields(docnum)["id"] for docnum in text.keys() | place.keys()}
    assert {"b", "c", "f"} <= found and "d" not in found
