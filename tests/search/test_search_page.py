"""The search page through the real route: who finds what, filters, order, pages, snippets, bad input."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import flags
from app.moderation.models import FlagReason
from app.posts.models import PostKind, PostStatus

BODY = "متنی برای آزمون جستجو که واژه‌ی ویژه‌ای ندارد."


def post(make, title: str, status=PostStatus.PUBLISHED, **fields):
    return make.post(status, title=title, body=fields.pop("body", BODY), **fields)


# ------------------------------------------------------------------------------------ visibility


def test_visitors_find_public_posts_and_never_pending_rejected_or_hidden_ones(make, search):
    public = post(make, "درخت افتاده در بلوار سجاد")
    pending = post(make, "درخت افتاده در بلوار وکیل‌آباد", PostStatus.PENDING)
    rejected = post(make, "درخت افتاده در میدان شهدا", PostStatus.REJECTED)
    hidden = post(make, "درخت افتاده در خیابان کوهسنگی")
    flags.uphold(make._moderator(), hidden, FlagReason.OFFENSIVE)
    db.session.commit()
    status, ids, _ = search("درخت افتاده")
    assert status == 200 and ids == [public.id]
    assert {pending.id, rejected.id, hidden.id}.isdisjoint(ids)


def test_authors_find_their_own_pending_posts_and_nobody_else_does(make, search, auth):
    author = make.user()
    mine = post(make, "پیاده‌روی شکسته جلوی نانوایی", PostStatus.PENDING, author=author)
    auth.login(make.user())
    assert search("پیاده‌رو شکسته")[1] == []
    auth.logout()
    auth.login(author)
    _, ids, html = search("پیاده‌رو شکسته")
    assert ids == [mine.id] and "در انتظار بررسی" in html  # marked as waiting for a moderator


def test_moderators_find_every_post_including_hidden_ones(make, search, auth):
    pending = post(make, "سطل زباله‌ی سوخته در پارک ملت", PostStatus.PENDING)
    hidden = post(make, "سطل زباله‌ی سوخته در پارک کوهسنگی")
    flags.uphold(make._moderator(), hidden, FlagReason.SPAM)
    db.session.commit()
    auth.login(make.user(Role.MODERATOR))
    assert set(search("سطل زباله سوخته")[1]) == {pending.id, hidden.id}


def test_a_hit_the_database_no_longer_allows_is_dropped_even_if_the_index_lags(app, make, search):
    shown = post(make, "نیمکت شکسته در پارک ملت")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # the index still says "public"
    flags.uphold(make._moderator(), shown, FlagReason.OFFENSIVE)
    db.session.commit()
    status, ids, html = search("نیمکت شکسته")
    assert status == 200 and ids == [] and "نیمکت" not in html.split('id="results-heading"')[1]


# -------------------------------------------------------------------------- Persian and English


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("آلودگی‌های هوا در میدان شهدا", "آلودگي هاي هوا"),  # Arabic yeh, a space for the ZWNJ
        ("آلودگيهاي هواي ميدان شهدا", "آلودگی‌های هوا"),  # written with Arabic yeh and no ZWNJ
        ("كوچه‌ی تاريك پشت بازار", "کوچه تاریک"),  # Arabic kaf and yeh in the post
        ("کوچه‌ی تاریک پشت بازار", "كوچه تاريك"),  # Arabic kaf and yeh in the query
        ("می‌خواهیم پیاده‌رو ساخته شود", "میخواهیم پیادهرو"),  # no ZWNJ typed at all
        ("چراغ پلاک ۱۲۳ خاموش است", "پلاک 123"),  # Persian digits in the post
        ("چراغ پلاک 45 خاموش است", "پلاک ٤٥"),  # Arabic-Indic digits in the query
        ("Potholes on Sajjad Boulevard", "pothole sajjad"),  # English plural and case
    ],
)
def test_a_post_is_found_whichever_way_its_words_are_typed(make, search, written, typed):
    wanted = post(make, written)
    post(make, "موضوعی دیگر که نباید بیاید")
    assert search(typed)[1] == [wanted.id]


def test_matching_words_are_marked_and_user_text_is_escaped(make, search):
    post(make, "<script>alert(1)</script> چاله‌ی بزرگ", body="چاله‌ها <b>پر نشده‌اند</b> و خطرناک‌اند.")
    _, _, html = search("چاله")
    assert "<script>alert" not in html and "<b>پر" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>چاله‌ی</mark>" in html
    assert "<mark>چاله‌ها</mark> &lt;b&gt;" in html


# ------------------------------------------------------------------------ filters, order, pages


def test_filters_by_kind_category_status_and_department(make, search):
    roads = make.category()
    idea = post(make, "ایده‌ی باغ‌چه در پارک", kind=PostKind.IDEA, category=roads)
    problem = post(make, "خرابی باغ‌چه در پارک", category=roads)
    forwarded = post(make, "هرس نشدن باغ‌چه در پارک", PostStatus.FORWARDED)
    assert search("باغچه", kind="idea")[1] == [idea.id]
    assert set(search("باغچه", category=roads.id)[1]) == {idea.id, problem.id}
    assert search("باغچه", status="forwarded")[1] == [forwarded.id]
    assert search("باغچه", department=forwarded.department_id)[1] == [forwarded.id]
    assert search("", kind="idea")[1] == [idea.id]  # filters alone list posts, newest first


@pytest.mark.parametrize(("start", "end"), [("1404/01/01", "1404/12/29"), ("2025-03-21", "۲۰۲۶-۰۳-۲۰")])
def test_filters_by_date_typed_in_either_calendar_and_any_digits(make, search, start, end):
    inside, outside = post(make, "پل عابر پیاده‌ی خراب"), post(make, "پل عابر پیاده‌ی کثیف")
    inside.created_at, outside.created_at = datetime(2025, 8, 1, 12), datetime(2026, 5, 1, 12)
    db.session.commit()
    assert search("پل عابر", date_from=start, date_to=end)[1] == [inside.id]


def test_orders_by_relevance_newest_or_support(make, search):
    title_hit = post(make, "آبگرفتگی زیرگذر", body="آب در زیرگذر جمع شده و ماشین‌ها گیر می‌کنند.")
    body_hit = post(make, "زیرگذر تاریک", body="پس از باران آبگرفتگی شدید است و کسی رسیدگی نمی‌کند.")
    make.supporters(body_hit, 3)
    assert search("آبگرفتگی")[1] == [title_hit.id, body_hit.id]  # the title counts more
    assert search("آبگرفتگی", sort="newest")[1] == [body_hit.id, title_hit.id]
    assert search("آبگرفتگی", sort="supported")[1] == [body_hit.id, title_hit.id]


def test_results_come_in_pages_with_a_count(make, search):
    posts = [post(make, f"صف طولانی ایستگاه اتوبوس شماره {n}") for n in range(23)]
    status, first, html = search("صف ایستگاه", sort="newest")
    assert status == 200 and len(first) == 20 and "۲۳" in html
    _, second, html = search("صف ایستگاه", sort="newest", page="۲")  # Persian digits too
    assert len(second) == 3 and set(first + second) == {p.id for p in posts}
    assert 'rel="prev"' in html
    status, beyond, html = search("صف ایستگاه", page=5)
    assert status == 200 and beyond == [] and "page=1" in html


# ---------------------------------------------------------------------------- did you mean


def test_a_misspelt_query_with_no_match_shows_results_for_the_correction(make, search):
    wanted = [post(make, f"چراغ خیابان {place} خاموش است") for place in ("سجاد", "احمدآباد", "کوهسنگی")]
    for n in range(3):
        post(make, f"زباله در خیابان شماره {n}")
    _, ids, html = search("چراغ خیابون")  # colloquial spelling
    assert set(ids) == {p.id for p in wanted}
    assert "چراغ خیابان" in html and "خیابون" in html  # "showing results for …" names both


def test_a_query_that_finds_posts_is_never_offered_another(make, search):
    for place in ("سجاد", "احمدآباد", "کوهسنگی", "وکیل‌آباد", "امام رضا", "دانشگاه", "فردوسی", "سناباد", "جهاد"):
        post(make, f"پارکینگ خیابان {place} پر است")
    typo = post(make, "پارکینگ خیابون طبرسی")
    status, ids, html = search("پارکینگ خیابون")
    assert status == 200 and ids == [typo.id]
    assert "search-note" not in html and "%D8%AE%DB%8C%D8%A7%D8%A8%D8%A7%D9%86" not in html  # no خیابان offered


def test_english_typos_are_corrected_too(make, search):
    streets = ("Sajjad", "Ahmadabad", "Kuhsangi", "Ferdowsi", "Sanabad", "Jahad")
    wanted = [post(make, f"Pothole on {street} street") for street in streets]
    post(make, "Streetlight out on Ferdowsi street")
    _, ids, html = search("pothoel")
    assert set(ids) == {p.id for p in wanted} and "pothole" in html


def test_did_you_mean_never_offers_a_word_only_posts_the_viewer_may_not_see_contain(make, search, auth):
    for n in range(6):
        post(make, f"Kowalczyk parks on the pavement {n}", PostStatus.REJECTED, body="Kowalczyk parks badly")
    secret = post(make, "Zbigniew blocks the gate", PostStatus.PENDING)
    for n in range(6):  # edited again and again: the old copies of the document must not count
        secret.title = f"Zbigniew blocks the gate {n}"
        db.session.commit()
    for word in ("Kowalczik", "Zbignew"):
        _, ids, html = search(word)
        assert ids == [] and "kowalczyk" not in html.lower() and "zbigniew" not in html.lower()
    auth.login(make.user(Role.MODERATOR))  # moderators may read them, so the word is offered
    assert "kowalczyk" in search("Kowalczik")[2].lower()


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.REJECTED])
def test_a_word_only_unseen_posts_contain_changes_nothing_in_the_approximate_path(make, search, status):
    public = post(make, "Broken bench near the fountain")
    query = "bench fountain quxlerbam"  # the last word is in no post the visitor may read
    before = search(query)
    post(make, "The quxlerbam of the square", status, body="The quxlerbam of the square is broken again.")
    after = search(query)
    assert before[:2] == after[:2] == (200, [public.id])


def test_links_on_the_results_page_carry_only_the_searchs_own_parameters(make, search):
    for street in ("Sajjad", "Ahmadabad", "Kuhsangi", "Ferdowsi", "Sanabad", "Jahad"):
        post(make, f"Pothole on {street} street")
    odd = {"endpoint": "x", "_method": "POST", "_external": "1", "_scheme": "https", "_anchor": "x"}
    for q, page in (("pothole", "5"), ("pothoel", "5")):  # back-to-the-first-page link, as typed and corrected
        status, _, html = search(q, page=page, **odd)
        links = re.findall(r'href="([^"]*search\?[^"]*)"', html)
        assert status == 200 and links
        foreign = re.compile(r"endpoint|_method|_external|_scheme|#")
        assert all(link.startswith("/search?") and not foreign.search(link) for link in links)


def test_sort_by_relevance_is_the_default_order_by_name(make, search):
    wanted = post(make, "آبگرفتگی زیرگذر")
    assert search("آبگرفتگی", sort="relevance")[:2] == (200, [wanted.id])


def test_the_pager_never_offers_a_page_the_form_refuses(make):
    from app.search.queries import MAX_PAGE, SearchRequest, SearchResults

    results = SearchResults(SearchRequest(text="x", page=MAX_PAGE, per_page=20), total=20 * MAX_PAGE + 500)
    assert results.pages == MAX_PAGE and not results.has_next


def test_a_blocked_staff_member_learns_nothing_of_their_departments_hidden_posts(app, make, search, auth):
    department = make.department()
    category = make.category(department=department)
    for n in range(3):
        hidden = post(make, f"گزارش محرمانه شماره {n}", PostStatus.FORWARDED, category=category)
        flags.uphold(make._moderator(), hidden, FlagReason.OFFENSIVE)
    db.session.commit()
    staff = make.user(Role.STAFF, department=department)
    auth.login(staff)
    assert len(search("گزارش محرمانه")[1]) == 3
    staff.is_blocked = True
    db.session.commit()
    status, ids, html = search("گزارش محرمانه")
    assert status == 200 and ids == [] and "۳" not in html.split('id="results-heading"')[-1][:200]


@pytest.mark.backends("whoosh")  # a folder whose files a disk lost
def test_a_damaged_index_makes_search_unavailable_not_a_server_error(app, make, search, client, caplog):
    shown = post(make, "نیمکت شکسته در پارک ملت")
    _break_the_index(app)
    status, ids, _ = search("نیمکت")
    assert status == 200 and ids == [] and "Search failed" in caplog.text
    assert client.get(f"/posts/{shown.id}").status_code == 200  # without its similar posts
    assert "Similar posts failed" in caplog.text


def _break_the_index(app):
    from pathlib import Path

    from app.search.store import index_store

    store = index_store()
    store.close()
    for segment in (Path(app.config["SEARCH_INDEX_DIR"]) / store.current_name()).glob("*.seg"):
        segment.unlink()  # a disk lost the index's files


# ------------------------------------------------------------------------------- bad input


def test_an_empty_search_shows_the_form_and_a_hint(client):
    response = client.get("/search")
    assert response.status_code == 200 and 'name="q"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "ب" * 201},
        {"q": "x", "kind": "monster"},
        {"q": "x", "category": "abc"},
        {"q": "x", "category": "99999999999999999999999"},
        {"q": "x", "status": "bogus"},
        {"q": "x", "department": "-3"},
        {"q": "x", "date_from": "1405/13/40"},
        {"q": "x", "date_to": "yesterday"},
        {"q": "x", "date_from": "1405/02/01", "date_to": "1405/01/01"},
        {"q": "x", "sort": "random"},
        {"q": "x", "page": "0"},
        {"q": "x", "page": "-1"},
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "101"},
        {"q": "x", "page": "9" * 40},
    ],
)
def test_bad_input_gets_a_clear_400_and_keeps_what_was_typed(client, make, params):
    make.post()
    response = client.get("/search", query_string=params)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the search" in html or "جستجو را درست کنید" in html
    assert f'value="{params["q"][:50]}' in html  # the query box keeps the text


def test_visitors_may_not_filter_by_statuses_they_cannot_see(client, make):
    make.post()
    assert client.get("/search", query_string={"q": "x", "status": "pending"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    ["\x00\x01", "‮رمز‬", "🚧🕳️ چاله", "\u064b\u064c", "a" * 5 + "\u200c" * 50, "*?[]{}()^~:\\\"'", "OR AND NOT"],
)
def test_odd_characters_never_break_the_page(client, make, query):
    make.post()
    assert client.get("/search", query_string={"q": query}).status_code == 200


# -------------------------------------------------------------------------------- page cache


def test_visitors_cached_results_follow_the_index_exactly(make, search):
    post(make, "فواره‌ی پارک خاموش")
    assert search("آبنما")[1] == []
    fountain = post(make, "آبنمای میدان خاموش است")
    assert search("آبنما")[1] == [fountain.id]  # a new post: the cached empty page is not served
    flags.uphold(make._moderator(), fountain, FlagReason.SPAM)
    db.session.commit()
    assert search("آبنما")[1] == []


def test_the_header_links_to_search(client):
    assert 'href="/search"' in client.get("/").get_data(as_text=True)
