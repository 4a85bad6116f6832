"""Whoosh at many posts: "about N" past the counting bound, pages to the last real one, a rebuild in
several processes that finds what the index kept in step post by post found."""

from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin

from app.posts.models import PostStatus
from app.search import counting, queries
from app.search.backend import search_backend
from app.search.counting import about
from app.search.queries import SearchRequest, search_posts
from app.search.store import index_store
from tests.search.conftest import indexed

pytestmark = pytest.mark.backends("whoosh")  # PostgreSQL counts every match exactly
BODY = "متنی برای آزمون شمارش که واژه‌ی ویژه‌ای ندارد."
LATIN_DIGIT = re.compile(r"[0-9]")


def heading(html: str) -> str:
    return html.split('id="results-heading"', 1)[1].split(">", 1)[1].split("</h2>", 1)[0]


@pytest.fixture
def many(app, make, monkeypatch):
    """Seven posts about one bench, two a page, counted one by one up to three."""
    monkeypatch.setattr(counting, "COUNT_EXACT", 3)
    app.config["POSTS_PER_PAGE"] = 2
    for n in range(3):
        make.post(title=f"چاله‌ی خیابان شماره {n}", body=BODY)
    return [make.post(title=f"نیمکت شکسته در پارک شماره {n}", body=BODY) for n in range(7)]


def test_past_the_bound_the_page_says_about_n_in_persian_digits(many, search):
    status, ids, html = search("نیمکت شکسته")
    assert status == 200 and len(ids) == 2
    text = heading(html)
    assert "حدود" in text and "پست پیدا شد" in text
    assert not LATIN_DIGIT.search(text) and re.search("[۰-۹]", text)
    assert 'rel="next"' in html


def test_past_the_bound_the_english_page_says_about_n(many, search, client):
    client.set_cookie("lang", "en")
    text = heading(search("نیمکت شکسته")[2])
    assert re.search(r"About \d+ posts found", text)


def test_below_the_bound_the_count_is_exact(many, search):
    _, ids, html = search("چاله خیابان")
    assert len(ids) == 2 and "حدود" not in heading(html) and "۳ پست پیدا شد" in heading(html)


def test_pages_go_on_to_the_last_real_one_and_stop_there(many, search):
    seen = []
    for page in range(1, 5):
        status, ids, html = search("نیمکت شکسته", page=page)
        assert status == 200 and ids
        seen += ids
        assert ('rel="next"' in html) == (page < 4), page
    assert sorted(seen) == sorted(post.id for post in many)
    _, ids, html = search("نیمکت شکسته", page=4)  # deeper than the bound: counted exactly again
    assert len(ids) == 1
    assert "۷ پست پیدا شد" in heading(html) and "حدود" not in heading(html)
    _, ids, _ = search("نیمکت شکسته", page=5)
    assert ids == []


def test_the_estimate_is_never_below_what_was_counted_and_exact_counts_stay_exact(app, make, monkeypatch):
    monkeypatch.setattr(counting, "COUNT_EXACT", 2)
    for n in range(6):
        make.post(title=f"نیمکت شکسته شماره {n}" if n % 2 == 0 else f"درخت افتاده شماره {n}", body=BODY)
    visitor = AnonymousUserMixin()
    results = search_posts(SearchRequest(text="نیمکت", per_page=1), visitor)
    assert results.total_is_estimate and results.total >= 3 and len(results.hits) == 1 and results.has_next
    results = search_posts(SearchRequest(text="درخت افتاده", per_page=1, page=3), visitor)  # past the bound
    assert not results.total_is_estimate and results.total == 3 and not results.has_next


def test_about_rounds_to_two_significant_digits_and_never_below_what_was_counted():
    assert about(3456, at_least=1001) == 3500
    assert about(123_456, at_least=1001) == 120_000
    assert about(1043, at_least=1001) == 1100
    assert about(7.0, at_least=4) == 7


def test_hidden_posts_are_never_counted_past_the_bound(app, make, monkeypatch, search):
    monkeypatch.setattr(counting, "COUNT_EXACT", 2)
    shown = [make.post(title=f"سطل زباله‌ی سوخته شماره {n}", body=BODY) for n in range(2)]
    for n in range(3):
        make.post(PostStatus.PENDING, title=f"سطل زباله‌ی سوخته در انتظار {n}", body=BODY)
    _, ids, html = search("سطل سوخته")
    assert sorted(ids) == sorted(p.id for p in shown) and "۲ پست پیدا شد" in heading(html)


QUERIES = ("نیمکت شکسته", "پارک", "چراغ خاموش", "خیابان", "pothole", "street light", "شماره ۳", "بوستان ملت")


def test_a_rebuild_in_several_processes_finds_what_the_index_kept_in_step_found(app, make):
    for n in range(12):
        make.post(title=f"نیمکت شکسته در پارک شماره {n}", body="روی نیمکت نمی‌شود نشست")
        make.post(title=f"چراغ خیابان {n} خاموش است", body="Street light out near the park, pothole too")
    make.post(title="Pothole on Main Street", body="A deep pothole by the bus stop in بوستان ملت")
    visitor = AnonymousUserMixin()

    def answers():
        found = {}
        for text in QUERIES:
            for sort in (None, queries.SearchSort.NEWEST):
                results = search_posts(SearchRequest(text=text, sort=sort, per_page=50), visitor)
                found[text, sort] = ([hit.post.id for hit in results.hits], results.total)
        return found

    kept_in_step, documents = answers(), indexed()
    app.config.update(SEARCH_REBUILD_PROCESSES=1)
    assert search_backend().rebuild() == 25
    one_process = answers()
    app.config.update(SEARCH_REBUILD_PROCESSES=2, SEARCH_REBUILD_PARALLEL_FROM=0)
    assert search_backend().rebuild() == 25
    with index_store().searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2  # one segment per process
    assert answers() == one_process  # the same posts in the same order: document numbers follow post ids
    assert indexed() == documents
    # Post by post, edits leave documents in another order, so ties may fall another way; the same posts
    assert {key: (set(ids), total) for key, (ids, total) in one_process.items()} == {
        key: (set(ids), total) for key, (ids, total) in kept_in_step.items()
    }
    assert all(ids for ids, _ in one_process.values())


@pytest.mark.parametrize("sort", ["newest", "supported"])
def test_sorted_searches_leave_hidden_posts_out_with_their_remembered_mask(make, search, sort):
    shown = make.post(title="سطل زباله‌ی سوخته در پارک ملت", body=BODY)
    make.post(PostStatus.PENDING, title="سطل زباله‌ی سوخته در انتظار", body=BODY)
    assert search("سطل سوخته")[1] == [shown.id]  # relevance first: the mask is remembered by the searcher
    status, ids, html = search("سطل سوخته", sort=sort)
    assert status == 200 and ids == [shown.id] and "۱ پست پیدا شد" in heading(html)
