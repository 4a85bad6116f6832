"""Atom feeds (RFC 4287): well-formed, with the required elements, linked from the pages they follow."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest

from app.posts.models import PostStatus

NS = {"a": "http://www.w3.org/2005/Atom"}


def atom(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response.content_type == "application/atom+xml; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    feed = ET.fromstring(body)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287 4.1.1: exactly one id, title and updated; an author (here on the feed); a self link.
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"a:{name}", NS)) == 1, name
    assert feed.find("a:author/a:name", NS).text
    assert feed.find("a:link[@rel='self']", NS) is not None
    for entry in feed.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext("a:updated", namespaces=NS))
        assert entry.find("a:link[@rel='alternate']", NS) is not None
    return feed


def titles(feed) -> list[str]:
    return [entry.findtext("a:title", namespaces=NS) for entry in feed.findall("a:entry", NS)]


def test_newest_posts_feed_shows_public_posts_only(client, make):
    public = make.post(title="نیمکت پارک ملت شکسته است")
    make.post(PostStatus.PENDING, title="پست در انتظار بررسی")
    feed = atom(client.get("/feeds/posts.atom"))
    assert titles(feed) == [public.title]
    assert public.author.email not in client.get("/feeds/posts.atom").get_data(as_text=True)


def test_category_and_department_feeds(client, make):
    department = make.department(slug="parks")
    trees = make.category(slug="trees", department=department)
    in_trees = make.post(PostStatus.FORWARDED, category=trees, title="درخت خشک در پارک کوهسنگی")
    make.post(title="چاله در خیابان احمدآباد")
    assert titles(atom(client.get("/feeds/categories/trees.atom"))) == [in_trees.title]
    assert titles(atom(client.get("/feeds/departments/parks.atom"))) == [in_trees.title]
    assert client.get("/feeds/categories/nothing.atom").status_code == 404
    assert client.get("/feeds/departments/nothing.atom").status_code == 404


def test_search_feed(client, make):
    found = make.post(title="درخت افتاده در بلوار سجاد", body="درختی بزرگ روی پیاده‌رو افتاده است.")
    make.post(title="چاله در خیابان احمدآباد")
    assert titles(atom(client.get("/feeds/search.atom", query_string={"q": "درخت"}))) == [found.title]
    assert client.get("/feeds/search.atom").status_code == 404


def test_timeline_feed_of_one_post(client, make):
    post = make.post(PostStatus.RESOLVED)
    feed = atom(client.get(f"/feeds/posts/{post.id}/timeline.atom"))
    assert len(feed.findall("a:entry", NS)) == 3  # approve, forward, resolve
    assert client.get(f"/feeds/posts/{make.post(PostStatus.PENDING).id}/timeline.atom").status_code == 404
    assert client.get("/feeds/posts/999/timeline.atom").status_code == 404


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_pages_link_their_feeds(client, make, lang):
    category = make.category(slug="lights")
    post = make.post(category=category, title="چراغ کوچه خاموش است")
    client.set_cookie("language", lang)

    def feeds_of(url):
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)"', html)

    assert "/feeds/posts.atom" in feeds_of("/")
    assert "/feeds/categories/lights.atom" in feeds_of(f"/posts?category={category.id}")
    assert f"/feeds/posts/{post.id}/timeline.atom" in feeds_of(f"/posts/{post.id}")
    assert any(href.startswith("/feeds/search.atom?q=") for href in feeds_of("/search?q=%DA%86%D8%B1%D8%A7%D8%BA"))
    for href in feeds_of(f"/posts/{post.id}") + feeds_of("/"):
        atom(client.get(href))
