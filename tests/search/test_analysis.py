"""The search analyzer: Persian normalisation, stopwords and stemming, English, mixed text, n-grams.

Each rule is checked in both directions: a post typed one way is found by a query typed the other way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Or, Term

from app.search.analysis import (
    PERSIAN_STEM_EXCEPTIONS,
    analyze,
    english_stem,
    fold_text,
    key_terms,
    ngram_analyzer,
    normalize_text,
    persian_stem,
    text_ngrams,
    word_analyzer,
)
from app.search.similarity import QueryPost, find_similar, post_document, post_schema

ZWNJ = "\u200c"


# ------------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("كوچه", "کوچه"),  # Arabic kaf
        ("مَدرِسه", "مدرسه"),  # harakat
        ("كِتابٌ", "کتاب"),  # harakat and tanwin
        ("مـــدرســـه", "مدرسه"),  # tatweel
        ("خانهٔ", "خانه"),  # hamza above
        ("ﻛﺘﺎﺏ", "کتاب"),  # presentation forms
        ("پلاک ۱۲۳", "پلاک 123"),  # Persian digits
        ("پلاک ١٢٣", "پلاک 123"),  # Arabic-Indic digits
        ("  دو   فاصله  ", "دو فاصله"),
    ],
)
def test_normalize_text_gives_the_canonical_form(typed: str, canonical: str) -> None:
    assert normalize_text(typed) == canonical


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d", "\u200c\u200c", "\u200d\u200c"])
def test_normalize_text_keeps_one_zwnj_for_any_joiner(joiner: str) -> None:
    assert normalize_text(f"کتاب{joiner}ها") == f"کتاب{ZWNJ}ها"


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00ad", "\u2060", "\u200f"])
def test_normalize_text_drops_invisible_characters(invisible: str) -> None:
    assert normalize_text(f"آلودگی{invisible}هوا") == "آلودگیهوا"


def test_normalize_text_can_keep_persian_digits_for_display() -> None:
    assert normalize_text("كوچه ۱۲", ascii_digits=False) == "کوچه ۱۲"


def test_normalize_text_drops_a_zwnj_that_joins_nothing() -> None:
    assert normalize_text(f"{ZWNJ}کتاب {ZWNJ}ها{ZWNJ}") == "کتاب ها"


def test_fold_text_keeps_the_length_of_normalized_text() -> None:
    text = normalize_text(f"Street آلودگی{ZWNJ}های هوا")
    assert len(fold_text(text)) == len(text)


# ----------------------------------------------------------------------- the four ways of typing

AIR_POLLUTION = [
    f"آلودگی{ZWNJ}های هوا",  # with ZWNJ, as it should be typed
    "آلودگیهای هوا",  # joined
    "آلودگی های هوا",  # with a space
    "آلودگي هاي هوا",  # Arabic yeh, with a space
    "آلودگي\u200bهاي هوا",  # zero-width space in place of the ZWNJ
    "آلودگی\u00adهای هوا",  # soft hyphen in place of the ZWNJ
]


@pytest.mark.parametrize("typed", AIR_POLLUTION)
def test_every_way_of_typing_a_plural_gives_the_same_terms(typed: str) -> None:
    assert analyze(typed) == analyze(AIR_POLLUTION[0])


@pytest.fixture
def text_index(tmp_path):
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=word_analyzer()), grams=TEXT(analyzer=ngram_analyzer()))
    return index.create_in(str(tmp_path), schema)


def _search(ix, query_text: str, fieldname: str = "text") -> set[str]:
    terms = analyze(query_text, word_analyzer() if fieldname == "text" else ngram_analyzer())
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(Or([Term(fieldname, t) for t in terms]), limit=None)}


@pytest.mark.parametrize("post", AIR_POLLUTION)
@pytest.mark.parametrize("query", AIR_POLLUTION)
def test_a_post_typed_one_way_is_found_by_a_query_typed_another(text_index, post: str, query: str) -> None:
    with text_index.writer() as writer:
        writer.add_document(id="1", text=post, grams=post)
        writer.add_document(id="2", text="چاله در خیابان", grams="چاله در خیابان")
    assert _search(text_index, query) == {"1"}


@pytest.mark.parametrize(
    ("post", "query"),
    [
        ("خیابان امام رضا", "خیابون امام رضا"),  # colloquial spelling
        ("Abandoned car on Tremont Street", "abandonded car tremont"),  # typo
    ],
)
def test_the_ngram_field_finds_colloquial_and_misspelled_words(text_index, post: str, query: str) -> None:
    with text_index.writer() as writer:
        writer.add_document(id="1", text=post, grams=post)
    misspelled = query.split()[0]
    assert _search(text_index, misspelled) == set()
    assert _search(text_index, misspelled, "grams") == {"1"}


# -------------------------------------------------------------------------------- Persian stemmer


@pytest.mark.parametrize(
    ("inflected", "stem"),
    [
        ("کوچهها", "کوچه"),
        ("کوچههای", "کوچه"),
        ("کوچههایی", "کوچه"),
        ("شهروندان", "شهروند"),
        ("درختان", "درخت"),
        ("رانندگان", "راننده"),
        ("همسایگان", "همسایه"),
        ("دانشجویان", "دانشجو"),
        ("مشکلات", "مشکل"),
        ("بزرگتر", "بزرگ"),
        ("بزرگترین", "بزرگ"),
        ("خیابانی", "خیابان"),
        ("مشکلی", "مشکل"),
        ("پارکها", "پارک"),
        ("هوای", "هوا"),  # ezafe after a long vowel: هوای میدان
        ("صدای", "صدا"),
        ("آهوی", "آهو"),
        ("جستجوی", "جستجو"),
    ],
)
def test_persian_stem_removes_common_suffixes(inflected: str, stem: str) -> None:
    assert persian_stem(inflected) == stem


@pytest.mark.parametrize(
    ("post", "query"),
    [
        (f"درخت{ZWNJ}های خشک", "درخت خشک"),
        ("درختان خشک", "درخت خشک"),
        (f"شهروندان نگران آلودگی{ZWNJ}اند", "شهروند نگران آلودگی"),
        (f"خیابان{ZWNJ}های شلوغ{ZWNJ}تر", "خیابان شلوغ"),
        ("مشکلات رانندگان تاکسی", "مشکل راننده تاکسی"),
        (f"آلودگی{ZWNJ}های هوای میدان", "آلودگی هوا میدان"),
    ],
)
def test_inflected_and_plain_forms_meet_in_both_directions(post: str, query: str) -> None:
    assert set(analyze(query)) <= set(analyze(post))
    assert set(analyze(post)) <= set(analyze(query)) | {"نگران"}


@pytest.mark.parametrize(
    ("word", "unrelated"),
    [
        ("مهمان", "مهم"),  # guest / important
        ("باران", "بار"),  # rain / load
        ("ساختمان", "ساخت"),  # building / made
        ("آسمان", "آسم"),  # sky / asthma
        ("دختر", "دخ"),  # girl (تر is not a comparative)
        ("دفتر", "دف"),  # office
        ("دکتر", "دک"),  # doctor
        ("کیلومتر", "کیلوم"),
        ("تنها", "تن"),  # alone / body (ها is not a plural)
        ("تنهایی", "تن"),
        ("استان", "است"),  # province / is
        ("پایان", "پای"),  # end / foot
        ("گروگان", "گروه"),  # hostage / group
        ("مالیات", "مالی"),  # tax / financial
        ("کشتی", "کشت"),  # ship / cultivation
        ("ماهی", "ماه"),  # fish / moon
        ("بازی", "باز"),  # game / open
        ("صندلی", "صندل"),  # chair / sandal
        ("بیمارستان", "بیمارست"),
        ("خیابان", "خیاب"),
        ("میدان", "مید"),
        ("هوایی", "هوا"),  # airborne / air
        ("پای", "پا"),  # three letters: left as typed
    ],
)
def test_persian_stem_does_not_merge_unrelated_words(word: str, unrelated: str) -> None:
    assert persian_stem(word) == word
    assert persian_stem(word) != persian_stem(unrelated)


@pytest.mark.parametrize("word", sorted(PERSIAN_STEM_EXCEPTIONS))
def test_every_listed_exception_stems_to_itself(word: str) -> None:
    assert persian_stem(word) == word


@pytest.mark.parametrize("word", ["خیابان", "ساختمان", "بیمارستان", "دختر"])
def test_a_protected_word_still_loses_its_plural(word: str) -> None:
    assert persian_stem(word + "ها") == word


def test_short_words_keep_their_endings() -> None:
    assert [persian_stem(w) for w in ("زنان", "بهتر", "کمتر", "آبی", "ماه")] == ["زنان", "بهتر", "کمتر", "آبی", "ماه"]


# ------------------------------------------------------------------------------------ stopwords


def test_persian_stopwords_and_detached_suffixes_are_dropped() -> None:
    assert analyze("چاله در این خیابان را پر کنید و به شهرداری بگویید") == [
        "چاله",
        "خیابان",
        "پر",
        "کنید",
        "شهردار",
        "بگویید",
    ]
    assert analyze("خانه ها و کتاب های بزرگ تر") == ["خانه", "کتاب", "بزرگ"]


def test_english_is_lowercased_stopped_and_stemmed() -> None:
    assert analyze("The cars were PARKED in the Parking lot") == ["car", "park", "park", "lot"]


@pytest.mark.parametrize(("post", "query"), [("Abandoned vehicles", "abandoned vehicle"), ("potholes", "Pothole")])
def test_english_forms_meet_in_both_directions(post: str, query: str) -> None:
    assert analyze(post) == analyze(query)


def test_english_stem_leaves_codes_and_numbers_alone() -> None:
    assert [english_stem(w) for w in ("3zo266", "2dr", "1570")] == ["3zo266", "2dr", "1570"]


def test_mixed_language_text_is_analysed_word_by_word() -> None:
    text = "Pothole در خیابان‌های Ahmadabad near پلاک ۱۲"
    assert analyze(text) == ["pothol", "خیابان", "ahmadabad", "near", "پلاک", "12"]


# ---------------------------------------------------------------------------- n-grams, key terms


def test_ngrams_are_padded_at_word_edges() -> None:
    assert analyze("car", ngram_analyzer()) == ["_ca", "car", "ar_"]
    assert analyze("خیابان", ngram_analyzer()) == text_ngrams(["خیابان"])


def test_ngram_analyzer_matches_text_ngrams_of_the_analysed_words() -> None:
    text = f"Abandoned cars — آلودگی{ZWNJ}های هوا"
    assert analyze(text, ngram_analyzer()) == text_ngrams(analyze(text))


def test_key_terms_prefer_rare_terms_and_skip_unknown_ones() -> None:
    frequencies = {"car": 900, "abandon": 400, "honda": 3}
    terms = key_terms("Abandoned car: HONDA, car", frequencies.get, 1000, limit=2)
    assert [term for term, _ in terms] == ["honda", "abandon"]
    assert [term for term, _ in key_terms("unknown words", frequencies.get, 1000)] == []


# ------------------------------------------------------------------------- similar posts, end to end


@pytest.fixture
def posts_index(tmp_path):
    ix = index.create_in(str(tmp_path), post_schema())
    now = datetime(2026, 11, 20, tzinfo=UTC)
    posts = [
        ("a", "آلودگی‌های هوا در میدان شهدا", 36.2970, 59.6060, now - timedelta(days=1)),
        ("b", "چاله بزرگ در خیابان امام رضا", 36.2800, 59.6150, now - timedelta(days=40)),
        ("c", "Abandoned car on Tremont Street", 42.3400, -71.0800, now - timedelta(days=2)),
        ("d", "Graffiti on the library wall", 42.3401, -71.0801, now - timedelta(days=1)),
    ]
    with ix.writer() as writer:
        for post_id, title, lat, lon, created in posts:
            writer.add_document(**post_document(id=post_id, title=title, lat=lat, lon=lon, created=created))
    return ix, now


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("آلودگي هاي هوا ميدان شهدا", "a"),
        ("چاله های خیابون امام رضا", "b"),
        ("abandonded cars tremont st", "c"),
    ],
)
def test_find_similar_finds_the_post_typed_another_way(posts_index, query: str, expected: str) -> None:
    ix, _ = posts_index
    with ix.searcher() as searcher:
        assert find_similar(searcher, QueryPost(title=query))[0].id == expected


def test_find_similar_ranks_a_nearby_recent_report_first_and_ignores_future_posts(posts_index) -> None:
    ix, now = posts_index
    post = QueryPost(title="car left on the street", lat=42.34005, lon=-71.08005, now=now)
    with ix.searcher() as searcher:
        assert [hit.id for hit in find_similar(searcher, post)][:2] == ["c", "d"]
        earlier = QueryPost(title="car left on the street", lat=42.34, lon=-71.08, now=now - timedelta(days=3))
        assert "c" not in [hit.id for hit in find_similar(searcher, earlier)]


@pytest.mark.parametrize(
    "text",
    [
        "چاله‌ی بزرگ در خیابان‌های امام رضا، نزدیک ایستگاه ۱۲",
        "نيمكت شكسته در پارك — كسي رسيدگي نمي‌كند!",  # Arabic ي ك
        "مـــیدان شــهدا: ترافیکِ سنگین و بوق‌های ممتد",  # tatweel, a kasra
        "Street lights OUT on Main St. since 3/12; potholes, too",
        "the and of",
        "   ",
        "",
        "بوستان\u200c\u200cملت و\u200dپارک\u200c",  # doubled and loose joiners, a ZWJ
    ],
)
def test_the_word_terms_are_those_of_the_whoosh_word_analyzer(text: str) -> None:
    assert analyze(text) == [token.text for token in word_analyzer()(text)]
