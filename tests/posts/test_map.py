"""The city map: clusters counted by the server for the view asked, the list's filters, public posts
only, two queries, bad views refused in the visitor's language."""

from __future__ import annotations

import contextlib

import pytest

from app.extensions import db
from app.posts.models import PostKind, PostStatus

HERE = {"latitude": 36.2880, "longitude": 59.6157}


@contextlib.contextmanager
def statements_on(count_queries, table: str):
    """The SQL statements that read the given table while the block runs (the list is filled as it ends)."""
    seen: list[str] = []
    with count_queries() as statements:
        yield seen
    seen.extend(statement for statement in statements if f"FROM {table}" in statement)


CITY = "zoom=12&bbox=59.40,36.19,59.74,36.43"  # the map's first view: all of Mashhad
STREET = "zoom=17&bbox=59.6100,36.2850,59.6200,36.2910"  # a few streets around HERE


def _markers(client, query: str = CITY) -> dict:
    response = client.get(f"/map/pins.json?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_pins_are_the_public_posts_that_have_a_location(client, make):
    shown = make.post(PostStatus.PUBLISHED, **HERE)
    make.post(PostStatus.PUBLISHED)  # no location
    make.post(PostStatus.PENDING, **HERE)
    make.post(PostStatus.REJECTED, **HERE)
    hidden = make.post(PostStatus.PUBLISHED, **HERE)
    hidden.is_hidden = True
    db.session.commit()

    for query in (CITY, STREET, ""):  # alone in its cell: a pin at every zoom; no view: the city
        data = _markers(client, query)
        assert data["clusters"] == [] and data["total"] == 1
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


def test_city_wide_every_post_is_counted_in_clusters_and_nothing_is_cut(app, client, make):
    app.config["MAP_MAX_POINTS"] = 2
    posts = [make.post(PostStatus.PUBLISHED, **HERE) for _ in range(5)]
    make.post(PostStatus.PENDING, **HERE)  # never counted for anyone
    hidden = make.post(PostStatus.PUBLISHED, **HERE)
    hidden.is_hidden = True
    elsewhere = make.post(PostStatus.PUBLISHED, latitude=36.35, longitude=59.50)
    db.session.commit()
    data = _markers(client)
    assert data["total"] == 6 and data["truncated"] is False
    (cluster,) = data["clusters"]
    assert cluster["count"] == 5
    assert (cluster["lat"], cluster["lng"]) == (HERE["latitude"], HERE["longitude"])
    assert cluster["bounds"] == [[36.288, 59.6157], [36.288, 59.6157]]
    assert [pin["id"] for pin in data["pins"]] == [elsewhere.id]
    # Zoomed in to the cluster: more posts than a response carries are still a cluster; at the
    # closest zoom the newest are shown as pins, and the answer says some are left out.
    street = _markers(client, STREET)
    assert street["clusters"][0]["count"] == 5 and street["total"] == 5 and not street["truncated"]
    closest = _markers(client, STREET.replace("zoom=17", "zoom=19"))
    assert [pin["id"] for pin in closest["pins"]] == [posts[4].id, posts[3].id]
    assert closest["truncated"] is True and closest["clusters"] == []
    app.config["MAP_MAX_POINTS"] = 5
    again = "bbox=59.6100,36.2850,59.6200,36.2910&zoom=17"  # the same view (a new address: not cached)
    assert len(_markers(client, again)["pins"]) == 5  # few enough: every one a pin


def test_a_cluster_stays_where_it_is_when_the_map_moves(client, make):
    for offset in (0, 0.002, 0.004):
        make.post(PostStatus.PUBLISHED, latitude=HERE["latitude"] + offset, longitude=HERE["longitude"])
    seen = set()
    for west, south in ((59.55, 36.25), (59.60, 36.27), (59.58, 36.22)):
        data = _markers(client, f"zoom=14&bbox={west},{south},{west + 0.1},{south + 0.08}")
        seen.add((*((c["lat"], c["lng"], c["count"]) for c in data["clusters"]), len(data["pins"])))
    assert len(seen) == 1  # the same cells, counted whole, whichever part of them is in view


def test_a_view_outside_the_city_has_no_markers(client, make):
    make.post(PostStatus.PUBLISHED, **HERE)
    data = _markers(client, "zoom=12&bbox=51.30,35.60,51.50,35.80")  # Tehran
    assert (data["pins"], data["clusters"], data["total"]) == ([], [], 0)


def test_the_pins_follow_the_lists_filters(client, make):
    roads = make.category()
    pothole = make.post(PostStatus.PUBLISHED, category=roads, **HERE)
    idea = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA, **HERE)
    resolved = make.post(PostStatus.RESOLVED, **HERE)

    def ids(query: str) -> set[int]:
        return {pin["id"] for pin in _markers(client, f"{STREET}&{query}")["pins"]}

    def total(query: str) -> int:
        return _markers(client, f"{CITY}&{query}")["total"]

    assert ids("") == {pothole.id, idea.id, resolved.id} and total("") == 3
    assert ids("kind=idea") == {idea.id} and total("kind=idea") == 1
    assert ids(f"category={roads.id}") == {pothole.id} and total(f"category={roads.id}") == 1
    assert ids("status=resolved") == {resolved.id} and total("status=resolved") == 1
    assert ids("status=pending") == set() and total("status=pending") == 0


def test_filters_accept_persian_digits_and_ignore_nonsense(client, make):
    roads = make.category()
    pothole = make.post(PostStatus.PUBLISHED, category=roads, **HERE)
    persian_id = str(roads.id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert [p["id"] for p in _markers(client, f"category={persian_id}&zoom=۱۲")["pins"]] == [pothole.id]
    response = client.get("/map/pins.json?kind=spaceship&status=%00&category=abc")
    assert response.status_code == 200 and len(response.get_json()["pins"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("zoom=abc", "zoom"),
        ("zoom=23", "zoom"),
        ("zoom=-1", "zoom"),
        ("zoom=1.5", "zoom"),
        ("zoom=" + "9" * 500, "zoom"),
        ("bbox=59.4,36.2,59.7", "bbox"),
        ("bbox=59.4,36.2,59.7,36.4,1", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=nan,36.2,59.7,36.4", "bbox"),
        ("bbox=59.4,36.2,inf,36.4", "bbox"),
        ("bbox=59.7,36.2,59.4,36.4", "bbox"),  # west past east
        ("bbox=59.4,36.4,59.7,36.2", "bbox"),  # south past north
        ("bbox=59.4,-91,59.7,36.4", "bbox"),
        ("bbox=" + "1," * 2000, "bbox"),
        ("bbox=%00,%00,%00,%00", "bbox"),
    ],
)
def test_a_bad_view_is_a_400_that_says_what_is_wrong(client, query, field):
    response = client.get(f"/map/pins.json?{query}")
    assert response.status_code == 400
    data = response.get_json()
    assert data["field"] == field and data["error"]
    assert not data["error"].isascii()  # in Persian, the visitor's language
    client.set_cookie("lang", "en")
    english = client.get(f"/map/pins.json?{query}").get_json()
    assert english["error"].isascii() and english["error"] != data["error"]


def test_see_it_on_the_map_finds_a_public_post_and_nothing_else(client, make):
    shown = make.post(PostStatus.PUBLISHED, **HERE)
    pending = make.post(PostStatus.PENDING, **HERE)
    unplaced = make.post(PostStatus.PUBLISHED)
    assert _markers(client, f"focus={shown.id}")["focus"]["id"] == shown.id
    for post_id in (pending.id, unplaced.id, 0):
        assert _markers(client, f"focus={post_id}")["focus"] is None
    for nonsense in ("abc", str(10**12), "%00"):
        assert "focus" not in _markers(client, f"focus={nonsense}")


def test_the_markers_take_two_queries_however_many_posts_there_are(client, make, count_queries):
    for _ in range(6):
        make.post(PostStatus.PUBLISHED, **HERE)
    make.post(PostStatus.PUBLISHED, latitude=36.35, longitude=59.50)  # alone: a pin
    with statements_on(count_queries, "post") as statements:
        data = _markers(client)
    assert data["total"] == 7 and len(data["pins"]) == 1
    assert len(statements) == 2  # the cells, then the posts alone in theirs
    assert not any("JOIN" in statement for statement in statements)  # no author or category rows
    with statements_on(count_queries, "post") as statements:
        assert len(_markers(client, STREET)["pins"]) == 6
    assert len(statements) == 1


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


def test_signed_in_people_get_the_same_markers_from_the_cache_until_a_vote(client, make, auth, count_queries):
    post = make.post(PostStatus.PUBLISHED, **HERE)
    resident = make.user()
    assert _markers(client, STREET)["pins"][0]["support"] == 0  # a visitor's request fills the cache
    auth.login(resident)
    with statements_on(count_queries, "post") as statements:
        assert _markers(client, STREET)["pins"][0]["support"] == 0
    assert statements == []  # the same public markers, not counted again
    make.supporters(post, 1)
    assert _markers(client, STREET)["pins"][0]["support"] == 1  # a vote: counted again
    assert client.get("/map/pins.json?zoom=abc").status_code == 400  # refusals are never kept
    assert client.get("/map/pins.json?zoom=abc").status_code == 400
