"""The city map: the list's filters, public posts only, one query, a cap on the pins."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from app.extensions import db
from app.posts.models import PostKind, PostStatus

HERE = {"latitude": 36.2880, "longitude": 59.6157}


@contextlib.contextmanager
def statements_on(table: str):
    """Collect the SQL statements that read the given table while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if f"FROM {table}" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_pins_are_the_public_posts_that_have_a_location(client, make):
    shown = make.post(PostStatus.PUBLISHED, **HERE)
    make.post(PostStatus.PUBLISHED)  # no location
    make.post(PostStatus.PENDING, **HERE)
    make.post(PostStatus.REJECTED, **HERE)
    hidden = make.post(PostStatus.PUBLISHED, **HERE)
    hidden.is_hidden = True
    db.session.commit()

    data = client.get("/map/pins.json").get_json()
    assert [pin["id"] for pin in data["pins"]] == [shown.id]
    pin = data["pins"][0]
    assert pin == {
        "id": shown.id,
        "lat": 36.288,
        "lng": 59.6157,
        "title": shown.title,
        "kind": "problem",
        "status": "published",
        "support": 0,
        "url": f"/posts/{shown.id}",
    }
    assert data["truncated"] is False
    assert data["labels"]["status"]["published"] == "منتشرشده"


def test_the_pins_follow_the_lists_filters(client, make):
    roads = make.category()
    pothole = make.post(PostStatus.PUBLISHED, category=roads, **HERE)
    idea = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA, **HERE)
    resolved = make.post(PostStatus.RESOLVED, **HERE)

    def ids(query: str) -> set[int]:
        return {pin["id"] for pin in client.get(f"/map/pins.json?{query}").get_json()["pins"]}

    assert ids("") == {pothole.id, idea.id, resolved.id}
    assert ids("kind=idea") == {idea.id}
    assert ids(f"category={roads.id}") == {pothole.id}
    assert ids("status=resolved") == {resolved.id}
    assert ids("status=pending") == set()


def test_filters_accept_persian_digits_and_ignore_nonsense(client, make):
    roads = make.category()
    pothole = make.post(PostStatus.PUBLISHED, category=roads, **HERE)
    persian_id = str(roads.id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert [p["id"] for p in client.get(f"/map/pins.json?category={persian_id}").get_json()["pins"]] == [pothole.id]
    response = client.get("/map/pins.json?kind=spaceship&status=%00&category=abc")
    assert response.status_code == 200 and len(response.get_json()["pins"]) == 1


def test_the_number_of_pins_is_capped_newest_first(app, client, make):
    app.config["MAP_MAX_POINTS"] = 2
    posts = [make.post(PostStatus.PUBLISHED, **HERE) for _ in range(3)]
    data = client.get("/map/pins.json").get_json()
    assert [pin["id"] for pin in data["pins"]] == [posts[2].id, posts[1].id]
    assert data["truncated"] is True


def test_the_pins_take_one_query_however_many_there_are(client, make):
    for _ in range(6):
        make.post(PostStatus.PUBLISHED, **HERE)
    with statements_on("post") as statements:
        assert len(client.get("/map/pins.json").get_json()["pins"]) == 6
    assert len(statements) == 1
    assert "JOIN" not in statements[0]  # no author or category rows for pins


def test_the_map_page_lists_the_located_posts_for_people_without_the_map(client, make):
    located = make.post(PostStatus.PUBLISHED, address="میدان شهدا", **HERE)
    make.post(PostStatus.PUBLISHED, title="پستی بدون موقعیت روی نقشه")
    html = client.get("/map").get_data(as_text=True)
    assert located.title in html and "میدان شهدا" in html
    assert "پستی بدون موقعیت روی نقشه" not in html
    assert 'data-map="browse"' in html and "/map/pins.json" in html


def test_the_map_page_keeps_the_filters_for_the_pins_and_the_list(client, make):
    category = make.category()
    html = client.get(f"/map?kind=problem&category={category.id}").get_data(as_text=True)
    assert f"/map/pins.json?kind=problem&amp;category={category.id}" in html
    assert f'href="/posts?kind=problem&amp;category={category.id}"' in html


def test_the_map_is_in_english_too(client, make):
    make.post(PostStatus.PUBLISHED, **HERE)
    client.set_cookie("lang", "en")
    html = client.get("/map").get_data(as_text=True)
    assert "Map of problems and ideas" in html
    labels = client.get("/map/pins.json").get_json()["labels"]
    assert labels["kind"]["idea"] == "Idea"


def test_the_map_carries_only_the_filters_into_its_links(client, make):
    make.post(PostStatus.PUBLISHED, **HERE)  # so that the "see them as a list" link is shown
    page = client.get("/map?kind=problem&_external=1&_anchor=x", headers={"Host": "evil.example"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-pins-url="/map/pins.json?kind=problem"' in body
    assert 'href="/posts?kind=problem"' in body
    assert "evil.example" not in body and "#x" not in body


def test_query_arguments_named_like_url_for_options_do_not_break_the_map(client):
    for query in ("endpoint=x", "_method=POST", "_scheme=x", "values=1"):
        assert client.get(f"/map?{query}").status_code == 200, query
