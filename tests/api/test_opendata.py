"""Open data exports: CSV and JSON of public posts, streamed, filtered, without personal data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import requests

from app.core.db import utcnow
from app.extensions import db
from app.posts.models import PostStatus


def test_csv_and_json_hold_public_posts_without_personal_data(client, make):
    author = make.user(display_name="نام نویسنده", email="author@example.org")
    post = make.post(author=author, title="=SUM(A1) چاله", address="میدان آزادی")
    make.post(PostStatus.PENDING, author=author)
    response = client.get("/open-data/posts.csv")
    assert response.content_type == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [int(row["id"]) for row in rows] == [post.id]
    assert rows[0]["title"] == "'=SUM(A1) چاله"  # no formula reaches a spreadsheet
    assert rows[0]["address"] == "میدان آزادی"
    data = client.get("/open-data/posts.json").get_json()
    assert [item["id"] for item in data] == [post.id] and data[0]["title"] == post.title
    for body in (text, client.get("/open-data/posts.json").get_data(as_text=True)):
        assert "author@example.org" not in body and "نام نویسنده" not in body


def test_filters_by_date_category_and_department(client, make):
    department = make.department(slug="water")
    leaks = make.category(slug="leaks", department=department)
    old = make.post(category=leaks)
    old.created_at = utcnow() - timedelta(days=10)
    db.session.commit()
    forwarded = make.post(PostStatus.FORWARDED, category=leaks)
    other = make.post()

    def ids(**query):
        return [item["id"] for item in client.get("/open-data/posts.json", query_string=query).get_json()]

    today = utcnow().date().isoformat()
    assert ids(category="leaks") == [old.id, forwarded.id]
    assert ids(department="water") == [forwarded.id]
    assert ids(**{"from": today}) == [forwarded.id, other.id]
    assert ids(to=(utcnow() - timedelta(days=5)).date().isoformat()) == [old.id]


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "category=nothing", "department=nothing"])
def test_bad_filters_are_400(client, query):
    assert client.get(f"/open-data/posts.csv?{query}").status_code == 400
    assert client.get(f"/open-data/posts.json?{query}").status_code == 400


def test_an_empty_export_is_still_valid(client):
    assert client.get("/open-data/posts.json").get_json() == []
    assert client.get("/open-data/posts.csv").get_data(as_text=True).startswith("\ufeffid,url,kind")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_are_streamed_in_chunks(live_server, make, fmt):
    for _ in range(3):
        make.post()
    with requests.get(f"{live_server}/open-data/posts.{fmt}", stream=True, timeout=10) as response:
        assert response.status_code == 200
        assert "Content-Length" not in response.headers  # sent as it is written, not built first
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert b"".join(response.iter_content(chunk_size=None))
