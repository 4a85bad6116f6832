"""Open311 GeoReport v2 writes: POST requests with an API key, tokens, moderation, Persian round trip."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from app.api import credentials
from app.api.models import Open311Request
from app.extensions import db
from app.posts.models import Post, PostStatus

BASE = "/open311/v2"
PERSIAN = "چراغ‌های خیابان ۱۷ شهریور از دیشب خاموش‌اند؛ «کوچه‌ی ۳» کاملاً تاریک است و عابران می‌ترسند."


@pytest.fixture
def potholes(make):
    return make.category(slug="potholes")


def form(secret, **fields):
    return {
        "api_key": secret,
        "service_code": "potholes",
        "lat": "36.3",
        "long": "59.6",
        "description": PERSIAN,
    } | fields


def test_a_request_becomes_a_pending_post_of_the_key_owner(client, api_key, potholes):
    key, secret = api_key
    response = client.post(f"{BASE}/requests.json", data=form(secret, email="x@example.org", phone="0912"))
    assert response.status_code == 201
    (answer,) = response.get_json()
    assert set(answer) == {"token", "service_notice", "account_id"}
    post = db.session.scalar(select(Post))
    assert post.status is PostStatus.PENDING  # the same moderation queue as every post
    assert post.author_id == key.owner_id
    assert post.body == PERSIAN
    assert (post.latitude, post.longitude) == (36.3, 59.6)
    received = db.session.scalar(select(Open311Request))
    assert (received.email, received.phone, received.token) == ("x@example.org", "0912", answer["token"])


def test_the_token_gives_the_request_id_once_a_moderator_publishes_it(client, make, api_key, potholes):
    _key, secret = api_key
    token = client.post(f"{BASE}/requests.json", data=form(secret)).get_json()[0]["token"]
    assert client.get(f"{BASE}/tokens/{token}.json").get_json() == [{"service_request_id": None, "token": token}]
    post = db.session.scalar(select(Post))
    make.move(post, PostStatus.PUBLISHED)
    assert client.get(f"{BASE}/tokens/{token}.json").get_json() == [{"service_request_id": post.id, "token": token}]
    root = ET.fromstring(client.get(f"{BASE}/tokens/{token}.xml").get_data())
    assert (root.findtext("request/service_request_id"), root.findtext("request/token")) == (str(post.id), token)
    assert client.get(f"{BASE}/tokens/nothing.json").status_code == 404


def test_persian_text_round_trips_exactly_in_both_formats(client, make, api_key, potholes):
    _key, secret = api_key
    address = "مشهد، بلوار وکیل‌آباد، نبش وکیل‌آباد ۱۲"
    client.post(f"{BASE}/requests.xml", data=form(secret, address_string=address))
    post = db.session.scalar(select(Post))
    make.move(post, PostStatus.PUBLISHED)
    (data,) = client.get(f"{BASE}/requests/{post.id}.json").get_json()
    assert (data["description"], data["address"]) == (PERSIAN, address)
    root = ET.fromstring(client.get(f"{BASE}/requests/{post.id}.xml").get_data())
    assert (root.findtext("request/description"), root.findtext("request/address")) == (PERSIAN, address)


def test_the_reporter_s_contact_details_are_never_published(client, make, api_key, potholes):
    _key, secret = api_key
    details = {"email": "reporter@example.org", "phone": "09120000000", "first_name": "سارا", "last_name": "کریمی"}
    client.post(f"{BASE}/requests.json", data=form(secret, **details))
    post = db.session.scalar(select(Post))
    make.move(post, PostStatus.PUBLISHED)
    for url in (
        f"{BASE}/requests/{post.id}.json",
        f"{BASE}/requests.xml",
        f"/api/v1/posts/{post.id}",
        f"/posts/{post.id}",
    ):
        page = client.get(url).get_data(as_text=True)
        assert all(value not in page for value in details.values()), url


def test_an_xml_post_answers_in_xml(client, api_key, potholes):
    _key, secret = api_key
    response = client.post(f"{BASE}/requests.xml", data=form(secret))
    assert response.status_code == 201
    root = ET.fromstring(response.get_data())
    assert root.tag == "service_requests"
    assert root.findtext("request/token")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_valid_key_nothing_is_created(client, api_key, potholes, fmt):
    key, secret = api_key
    for data in (form(""), form("shv311_wrong"), {k: v for k, v in form(secret).items() if k != "api_key"}):
        response = client.post(f"{BASE}/requests.{fmt}", data=data)
        assert response.status_code == 403
    credentials.revoke_api_key(None, key)
    db.session.commit()
    assert client.post(f"{BASE}/requests.{fmt}", data=form(secret)).status_code == 403
    assert db.session.scalar(select(Post)) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"service_code": ""},
        {"service_code": "nothing"},
        {"lat": "", "long": ""},  # no location at all
        {"lat": "north"},
        {"lat": "nan"},
        {"long": ""},  # one coordinate only
        {"lat": "35.0", "long": "51.4"},  # Tehran: outside the city
        {"description": "کوتاه"},
        {"description": ""},
        {"media_url": "javascript:alert(1)"},
        {"email": "x" * 300},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_requests_are_400_in_the_specification_s_shape(client, api_key, potholes, fields, fmt):
    _key, secret = api_key
    response = client.post(f"{BASE}/requests.{fmt}", data=form(secret, **fields))
    assert response.status_code == 400
    if fmt == "json":
        (error,) = response.get_json()
        assert error["code"] == 400 and error["description"]
    else:
        root = ET.fromstring(response.get_data())
        assert root.findtext("error/code") == "400" and root.findtext("error/description")
    assert db.session.scalar(select(Post)) is None


def test_an_address_alone_is_a_location(client, api_key, potholes):
    _key, secret = api_key
    response = client.post(f"{BASE}/requests.json", data=form(secret, lat="", long="", address_string="حرم"))
    assert response.status_code == 201


def test_media_url_is_given_back(client, make, api_key, potholes):
    _key, secret = api_key
    client.post(f"{BASE}/requests.json", data=form(secret, media_url="https://example.org/p.jpg"))
    post = make.move(db.session.scalar(select(Post)), PostStatus.PUBLISHED)
    assert client.get(f"{BASE}/requests/{post.id}.json").get_json()[0]["media_url"] == "https://example.org/p.jpg"


@pytest.fixture
def app_config(app_config):
    return app_config | {"OPEN311_KEY_RATE_LIMIT": "2 per minute"}


def test_each_key_has_its_own_rate_limit(client, make, api_key, potholes):
    _key, secret = api_key
    _other, other_secret = credentials.create_api_key(None, "another app", make.user())
    db.session.commit()
    assert [client.post(f"{BASE}/requests.json", data=form(secret)).status_code for _ in range(3)] == [201, 201, 429]
    error = client.post(f"{BASE}/requests.xml", data=form(secret))
    assert ET.fromstring(error.get_data()).findtext("error/code") == "429"
    assert client.post(f"{BASE}/requests.json", data=form(other_secret)).status_code == 201


def test_open311_needs_no_csrf_token_but_a_key(app, make, api_key, potholes):
    app.config["WTF_CSRF_ENABLED"] = True
    _key, secret = api_key
    assert app.test_client().post(f"{BASE}/requests.json", data=form(secret)).status_code == 201
