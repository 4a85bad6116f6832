"""CSV export of a department's posts for a date range."""

import csv
import io
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.departments import services
from app.extensions import db
from app.moderation import workflow
from app.posts.models import PostStatus


@pytest.fixture
def setup(make, auth):
    department = make.department()
    category = make.category(department=department)
    staff = make.user(Role.STAFF, department=department, display_name="کارشناس روشنایی")
    auth.login(staff)
    return department, category, staff


def _rows(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_the_posts_reported_in_the_range_with_their_response_times(client, make, setup):
    department, category, staff = setup
    post = make.post(
        PostStatus.FORWARDED,
        category=category,
        title="چراغ کوچه‌ی ۱۲ خاموش است",
        address="بلوار سجاد",
        latitude=36.3197,
        longitude=59.5622,
    )
    make.supporters(post, 2)
    workflow.transition(post, "resolve", staff, note="لامپ تعویض شد.")
    services.assign_post(make.post(PostStatus.FORWARDED, category=category), staff, staff)
    old = make.post(PostStatus.FORWARDED, category=category, title="پست قدیمی خارج از بازه")
    old.created_at = utcnow() - timedelta(days=400)
    make.post(PostStatus.FORWARDED, title="پست اداره‌ی دیگر در همین بازه")
    db.session.commit()
    today = utcnow().date()
    response = client.get(f"/departments/{department.slug}/export.csv?start={today - timedelta(days=30)}&end={today}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert f'filename="{department.slug}-' in response.headers["Content-Disposition"]
    rows = _rows(response)
    titles = [r["title"] for r in rows]
    assert "چراغ کوچه‌ی ۱۲ خاموش است" in titles
    assert "پست قدیمی خارج از بازه" not in titles and "پست اداره‌ی دیگر در همین بازه" not in titles
    row = rows[titles.index("چراغ کوچه‌ی ۱۲ خاموش است")]
    assert row["status"] == "resolved" and row["support"] == "2" and row["address"] == "بلوار سجاد"
    assert row["latitude"] == "36.3197" and row["url"].endswith(f"/posts/{post.id}")
    assert row["forwarded_at_utc"] and row["first_response_at_utc"] and row["closed_at_utc"]
    assert row["last_public_note"] == "لامپ تعویض شد."
    assert "کارشناس روشنایی" in [r["assignee"] for r in rows]


def test_cells_that_look_like_formulas_are_made_harmless(client, make, setup):
    department, category, _staff = setup
    make.post(PostStatus.FORWARDED, category=category, title='=HYPERLINK("http://evil")')
    today = utcnow().date()
    rows = _rows(client.get(f"/departments/{department.slug}/export.csv?start={today}&end={today}"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'


def test_jalali_dates_with_persian_digits_are_understood(client, make, setup):
    department, category, _staff = setup
    make.post(PostStatus.FORWARDED, category=category, title="پستی برای بازه‌ی شمسی")
    response = client.get(f"/departments/{department.slug}/export.csv?start=۱۴۰۵/۰۱/۰۱&end=۱۴۰۹/۰۱/۰۱")
    assert response.status_code == 200
    assert [r["title"] for r in _rows(response)] == ["پستی برای بازه‌ی شمسی"]


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [row["title"] for row in _rows(response)]


def test_without_dates_the_csv_has_the_last_thirty_days(client, make, setup):
    department, category, _staff = setup
    for days, title in ((0, "امروز"), (29, "بیست‌ونه روز پیش"), (30, "سی روز پیش"), (90, "سه ماه پیش")):
        post = make.post(PostStatus.FORWARDED, category=category, title=f"گزارشی از {title}")
        post.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    for query in ("", "?start=&end="):
        response = client.get(f"/departments/{department.slug}/export.csv{query}")
        assert _titles(response) == ["گزارشی از بیست‌ونه روز پیش", "گزارشی از امروز"]
        today = utcnow().date()
        assert f"{today - timedelta(days=29)}-{today}.csv" in response.headers["Content-Disposition"]


def test_one_date_alone_reaches_thirty_days_back_or_up_to_today(client, make, setup):
    department, category, _staff = setup
    post = make.post(PostStatus.FORWARDED, category=category, title="گزارش چهل روز پیش")
    post.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    forty_days_ago = utcnow().date() - timedelta(days=40)
    url = f"/departments/{department.slug}/export.csv"
    assert _titles(client.get(f"{url}?start={forty_days_ago}")) == ["گزارش چهل روز پیش"]  # …to today
    assert _titles(client.get(f"{url}?end={forty_days_ago + timedelta(days=29)}")) == ["گزارش چهل روز پیش"]
    assert _titles(client.get(f"{url}?end={forty_days_ago + timedelta(days=30)}")) == []


@pytest.mark.parametrize("language", ["fa", "en"])
def test_category_and_department_names_are_in_the_language_of_the_page(client, make, auth, language):
    department = make.department(name_fa="معاونت خدمات شهری", name_en="Urban Services")
    category = make.category(department=department, name_fa="روشنایی معابر", name_en="Street lighting")
    auth.login(make.user(Role.STAFF, department=department, locale=language))
    make.post(PostStatus.FORWARDED, category=category)
    [row] = _rows(client.get(f"/departments/{department.slug}/export.csv"))
    expected = {"fa": ("روشنایی معابر", "معاونت خدمات شهری"), "en": ("Street lighting", "Urban Services")}
    assert (row["category"], row["department"]) == expected[language]


@pytest.mark.parametrize(
    "query",
    [
        "start=yesterday&end=today",
        "start=2026-13-01",
        "end=1405/02/40",
        "start=۱۴۰۵-۰۱-۰۱&end=abc",
        "start=2026-02-30&end=2026-03-01",
        "start=2026-05-01&end=2026-04-01",
        "start=2000-01-01&end=2026-01-01",
        "start=9999-12-30&end=9999-12-31",  # the last day there is has no next day to end the range
    ],
)
def test_bad_ranges_are_a_400_with_the_form_kept(client, setup, query):
    department, _category, _staff = setup
    response = client.get(f"/departments/{department.slug}/export.csv?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<form" in html and "is-invalid" in html
    for value in (v.split("=", 1)[1] for v in query.split("&")):
        assert f'value="{value}"' in html  # what was typed stays in the form


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-05-01&end=2026-04-01", "روز پایانی پیش از روز نخست است"),
        ("start=2000-01-01&end=2026-01-01", "۵ سال"),
        ("start=yesterday", "تاریخی مانند"),
    ],
)
def test_each_bad_range_says_what_is_wrong_in_the_language_of_the_page(client, setup, query, message):
    department, _category, _staff = setup
    response = client.get(f"/departments/{department.slug}/export.csv?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), (Role.RESIDENT, 403), (Role.STAFF, 403), (Role.MODERATOR, 200), (Role.ADMIN, 200)]
)
def test_the_departments_staff_moderators_and_admins_export_with_no_dates(client, make, auth, role, status):
    department = make.department()
    if role is not None:
        auth.login(make.user(role))  # staff: of another department
    assert client.get(f"/departments/{department.slug}/export.csv").status_code == status


def test_an_unknown_department_is_not_found(client, setup):
    assert client.get("/departments/nowhere/export.csv?start=2026-01-01&end=2026-02-01").status_code == 404


def test_the_csv_is_streamed_batch_by_batch_with_every_posts_facts(app, client, make, setup, monkeypatch):
    from app.departments import export

    monkeypatch.setattr(export, "BATCH", 2)  # five posts: three batches, each with its own look-ups
    department, category, staff = setup
    posts = [make.post(PostStatus.FORWARDED, category=category, title=f"گزارش شماره‌ی {n}") for n in range(5)]
    for post in posts:
        workflow.transition(post, "acknowledge", staff, note=f"دیدیم {post.id}")
        services.assign_post(post, staff, staff)
    db.session.commit()
    response = client.get(f"/departments/{department.slug}/export.csv")
    assert response.is_streamed
    chunks = [chunk for chunk in response.response if chunk]
    assert len(chunks) >= 3
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8")[1:])))
    assert [r["title"] for r in rows] == [p.title for p in posts]
    assert all(r["first_response_at_utc"] and r["assignee"] == "کارشناس روشنایی" for r in rows)
    assert [r["last_public_note"] for r in rows] == [f"دیدیم {p.id}" for p in posts]
