"""Persian typed as residents type it: a word joined, spaced or written with a ZWNJ finds the same posts,
and "did you mean" offers nothing that is not clearly better. Real index on disk, service and route."""

from __future__ import annotations

import pytest

from app.posts.models import PostStatus
from app.search.compounds import index_terms, term_groups
from app.search.queries import SearchRequest, search_posts
from app.search.store import HEALTHY, OUTDATED, index_store

ZWNJ = "\u200c"
BODY = "متنی برای آزمون جستجو که واژه‌ی ویژه‌ای ندارد."
PLACES = ("سجاد", "احمدآباد", "کوهسنگی", "فردوسی", "سناباد")  # five posts: common enough to be offered


def post(make, title: str, status=PostStatus.PUBLISHED, body: str = BODY):
    return make.post(status, title=title, body=body)


def found(text: str, viewer) -> set[int]:
    """The service's answer, as the search page asks it."""
    return {hit.post.id for hit in search_posts(SearchRequest(text=text), viewer).hits}


# ----------------------------------------------------------------------- the analyzer, plain text


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("میرود", f"می{ZWNJ}رود"),
        ("نمیشود", f"نمی{ZWNJ}شود"),
        ("میکنند", "می کنند"),
        ("کتابها", f"کتاب{ZWNJ}ها"),
        ("کوچههای", f"کوچه{ZWNJ}های"),
        ("بزرگترین", f"بزرگ{ZWNJ}ترین"),
    ],
)
def test_an_affix_typed_joined_gives_the_terms_of_the_affix_written_apart(typed: str, same_as: str) -> None:
    assert set(index_terms(typed)) == set(index_terms(same_as))
    assert [set(group) for group in term_groups(typed)] == [set(group) for group in term_groups(same_as)]


@pytest.mark.parametrize("word", ["میدان", "میز", "میوه", "میلاد", "میلیونی", "میان", "میزان", "میدانی"])
def test_words_that_begin_with_mi_but_are_no_verb_keep_it(word: str) -> None:
    assert all(term.startswith("می") for term in index_terms(word))


def test_a_compound_written_with_a_zwnj_also_holds_its_joined_form_and_a_spaced_pair_does_not() -> None:
    assert "اطلاعرس" in index_terms(f"اطلاع{ZWNJ}رسانی") and index_terms("اطلاعرسانی") == ["اطلاعرس"]
    assert index_terms("چاله بزرگ در خیابان") == ["چاله", "بزرگ", "خیابان"]  # no "چالهبزرگ" in the index


def test_a_query_word_may_be_found_joined_with_its_neighbour() -> None:
    assert term_groups("اطلاع رسانی") == [("اطلاع", "اطلاعرس"), ("رسان", "اطلاعرس")]
    assert term_groups("پیادهرو") == [("پیادهرو",)]


# --------------------------------------------------------------------- the search service, real index

INFORMING = [f"اطلاع{ZWNJ}رسانی قطعی آب", "اطلاع رسانی قطعی برق", "اطلاعرسانی تعطیلی مدرسه"]


@pytest.mark.parametrize("query", [f"اطلاع{ZWNJ}رسانی", "اطلاعرسانی", "اطلاع رسانی"])
def test_every_way_of_typing_a_compound_finds_the_posts_written_every_way(make, query: str) -> None:
    wanted = {post(make, title).id for title in INFORMING}
    post(make, "رسانه‌ها از قطعی آب نوشتند")  # one half only: not an answer
    assert found(query, make.user()) == wanted


def test_a_joined_sidewalk_finds_sidewalks_not_every_pedestrian(make) -> None:
    sidewalk = post(make, f"پیاده{ZWNJ}رو شکسته جلوی نانوایی")
    spaced = post(make, "پیاده رو پر از چاله است")
    post(make, "عابر پیاده در خطر است")
    assert found("پیادهرو", make.user()) == {sidewalk.id, spaced.id}


@pytest.mark.parametrize(
    ("title", "query"),
    [
        (f"آب به داخل کوچه می{ZWNJ}رود", "میرود"),
        ("آب به داخل کوچه میرود", "می رود"),
        ("درخت‌ها شکسته‌اند", "درختها"),
        ("بزرگترین چاله شهر", f"بزرگ{ZWNJ}ترین"),
        (f"خانه{ZWNJ}ای متروکه", "خانهای"),
        ("خانهای متروکه", "خانه"),
    ],
)
def test_an_affix_attached_or_apart_finds_the_same_post(make, title: str, query: str) -> None:
    wanted = post(make, title)
    post(make, "چراغ خیابان خاموش است")
    assert found(query, make.user()) == {wanted.id}


@pytest.mark.backends("whoosh")  # PostgreSQL's terms are rewritten with each post: no index to outdate
def test_an_index_built_by_an_older_analyzer_is_rebuilt_by_the_worker_round(app, make) -> None:
    from whoosh.fields import TEXT

    from app.search import maintenance
    from app.search.analysis import word_analyzer

    wanted = post(make, f"اطلاع{ZWNJ}رسانی قطعی آب")
    store = index_store()
    ix = store.open_index()
    with store.writer_lock():
        writer = ix.writer()
        writer.schema._fields["text"] = TEXT(analyzer=word_analyzer(), spelling=True)  # as before this version
        writer.commit()
    store.close()
    assert store.health() == OUTDATED
    assert maintenance.repair(store) == 1 and store.health() == HEALTHY
    assert found("اطلاعرسانی", make.user()) == {wanted.id}


def test_an_analyzer_saved_by_an_index_keeps_the_version_it_was_built_with(monkeypatch) -> None:
    import pickle

    from app.search import compounds

    saved = pickle.dumps(compounds.IndexAnalyzer())  # as the index's schema holds it
    assert pickle.loads(saved) == compounds.IndexAnalyzer()
    monkeypatch.setattr(compounds, "ANALYSIS_VERSION", compounds.ANALYSIS_VERSION + 1)
    assert pickle.loads(saved) != compounds.IndexAnalyzer()


# ------------------------------------------------------------------------------------ did you mean


def test_a_query_that_finds_posts_gets_no_did_you_mean(make) -> None:
    for place in ("سجاد", "احمدآباد", "کوهسنگی"):
        post(make, f"اطفای حریق در بلوار {place}")
        post(make, f"شهید رجایی خیابان {place}")
    informing = post(make, f"اطلاع{ZWNJ}رسانی قطعی آب")
    results = search_posts(SearchRequest(text="اطلاع رسانی"), make.user())
    assert [hit.post.id for hit in results.hits] == [informing.id]
    assert results.suggestion is None and results.corrected is None


def test_a_correction_two_letters_away_from_a_short_word_is_not_offered(make) -> None:
    for place in PLACES:
        post(make, f"اطفای حریق در بلوار {place}")
        post(make, f"بلوار شهید رجایی {place}")
    results = search_posts(SearchRequest(text="اطلاع رسانی"), make.user())  # in no post: two edits each
    assert results.corrected is None and results.suggestion is None and results.hits == []


def test_a_one_letter_slip_with_no_match_shows_the_results_of_the_correction(make) -> None:
    wanted = {post(make, f"آسفالت خراب در بلوار {place}").id for place in PLACES}
    results = search_posts(SearchRequest(text="آسفالط خراب"), make.user())  # ط for ت: one letter
    assert results.corrected == "آسفالت خراب" and {hit.post.id for hit in results.hits} == wanted


def test_a_correction_that_finds_nothing_either_is_not_offered(make) -> None:
    for place in PLACES:
        post(make, f"آسفالت خراب در بلوار {place}")
    post(make, "سطل زباله پر است")
    results = search_posts(SearchRequest(text="آسفالط زباله"), make.user())  # corrected: still no post has both
    assert results.corrected is None and results.suggestion is None


# ------------------------------------------------------------------------------------------- route


def test_the_search_page_finds_a_compound_typed_without_its_zwnj(make, search) -> None:
    wanted = post(make, f"اطلاع{ZWNJ}رسانی قطعی آب")
    status, ids, html = search("اطلاعرسانی")
    assert status == 200 and ids == [wanted.id]
    assert "search-note" not in html  # neither "did you mean" nor "showing results for"
    assert f"<mark>اطلاع{ZWNJ}رسانی</mark>" in html  # the word as written is marked


def test_the_search_page_offers_no_nonsense_for_a_spaced_compound(make, search) -> None:
    for place in PLACES:
        post(make, f"اطفای حریق در بلوار {place}")
        post(make, f"بلوار شهید رجایی {place}")
    wanted = post(make, "اطلاعرسانی قطعی آب")
    status, ids, html = search("اطلاع رسانی")
    assert status == 200 and ids == [wanted.id]
    assert "اطفای" not in html and "رجایی" not in html and "search-note" not in html
