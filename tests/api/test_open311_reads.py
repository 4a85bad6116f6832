"""Open311 GeoReport v2 reads: discovery, services, service definitions, requests, in JSON and XML."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from app.core.db import utcnow
from app.extensions import db
from app.posts.models import PostKind, PostStatus

BASE = "/open311/v2"


def xml_of(response) -> ET.Element:
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert response.content_type == "text/xml; charset=utf-8"
    return ET.fromstring(body)


def json_of(response):
    assert response.content_type == "application/json; charset=utf-8"
    return response.get_json()


def test_discovery_names_the_specification_and_both_formats(client):
    data = json_of(client.get(f"{BASE}/discovery.json"))
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert {"changeset", "contact", "key_service"} <= data.keys()
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_categories_that_take_problems(client, make):
    department = make.department(name_fa="خدمات شهری", name_en="Urban services")
    potholes = make.category(department=department, slug="potholes", name_fa="چاله‌ها", name_en="Potholes")
    make.category(slug="ideas-only", accepts_problems=False)
    make.category(slug="closed", is_active=False)
    services = json_of(client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in services] == ["potholes"]
    assert services[0] == {
        "service_code": "potholes",
        "service_name": "چاله‌ها",
        "description": "چاله‌ها",
        "metadata": False,
        "type": "batch",
        "keywords": "چاله‌ها, Potholes, potholes",
        "group": "خدمات شهری",
    }
    english = json_of(client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"}))
    assert (english[0]["service_name"], english[0]["group"]) == ("Potholes", "Urban services")
    root = xml_of(client.get(f"{BASE}/services.xml"))
    (service,) = root.findall("service")
    assert service.findtext("service_code") == "potholes"
    assert service.findtext("service_name") == "چاله‌ها"
    assert service.findtext("metadata") == "false"
    assert potholes.id  # the category the service stands for


def test_service_definition_in_both_formats(client, make):
    make.category(slug="potholes")
    assert json_of(client.get(f"{BASE}/services/potholes.json")) == {"service_code": "potholes", "attributes": []}
    root = xml_of(client.get(f"{BASE}/services/potholes.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "potholes"
    assert root.find("attributes") is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_in_the_specification_s_error_shape(client, fmt):
    response = client.get(f"{BASE}/services/nothing.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        (error,) = json_of(response)
        assert error["code"] == 404 and error["description"]
    else:
        root = xml_of(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert root.findtext("error/description")


def test_a_request_has_every_field_of_the_specification(client, make):
    department = make.department(name_fa="خدمات شهری")
    category = make.category(department=department, slug="potholes")
    post = make.post(PostStatus.FORWARDED, category=category, address="میدان آزادی", latitude=36.3, longitude=59.6)
    (data,) = json_of(client.get(f"{BASE}/requests/{post.id}.json"))
    assert data["service_request_id"] == post.id
    assert data["status"] == "open"
    assert data["service_code"] == "potholes"
    assert data["agency_responsible"] == "خدمات شهری"
    assert data["description"] == post.body
    assert (data["lat"], data["long"], data["address"]) == (36.3, 59.6, "میدان آزادی")
    assert data["requested_datetime"].endswith("+00:00")
    assert data["updated_datetime"] >= data["requested_datetime"]
    assert data["expected_datetime"] is None
    assert {"status_notes", "service_name", "service_notice", "address_id", "zipcode", "media_url"} <= data.keys()
    assert "email" not in data and "phone" not in data
    root = xml_of(client.get(f"{BASE}/requests/{post.id}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(post.id)
    assert root.findtext("request/status") == "open"
    assert root.findtext("request/agency_responsible") == "خدمات شهری"


def test_extensions_give_the_detailed_status(client, make):
    post = make.post(PostStatus.IN_PROGRESS)
    (data,) = json_of(client.get(f"{BASE}/requests/{post.id}.json?extensions=true"))
    assert data["extended_attributes"]["detailed_status"] == "in_progress"
    assert data["extended_attributes"]["title"] == post.title


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.REJECTED])
def test_requests_not_public_are_not_found(client, make, status):
    post = make.post(status)
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests/{post.id}.{fmt}").status_code == 404


def test_ideas_and_hidden_posts_are_not_service_requests(client, make):
    idea = make.post(kind=PostKind.IDEA)
    hidden = make.post()
    hidden.is_hidden = True
    db.session.commit()
    for post in (idea, hidden):
        assert client.get(f"{BASE}/requests/{post.id}.json").status_code == 404
    assert json_of(client.get(f"{BASE}/requests.json")) == []


def test_status_filter_maps_our_statuses_to_open_and_closed(client, make):
    opened = make.post(PostStatus.PUBLISHED)
    resolved = make.post(PostStatus.RESOLVED)
    declined = make.post(PostStatus.DECLINED)
    make.post(PostStatus.PENDING)

    def ids(query):
        return {r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json{query}"))}

    assert ids("") == {opened.id, resolved.id, declined.id}
    assert ids("?status=open") == {opened.id}
    assert ids("?status=closed") == {resolved.id, declined.id}
    assert ids("?status=open,closed") == {opened.id, resolved.id, declined.id}
    closed = xml_of(client.get(f"{BASE}/requests.xml?status=closed"))
    assert {r.findtext("status") for r in closed.findall("request")} == {"closed"}


def test_service_code_filter_takes_a_comma_list(client, make):
    a, b, c = (make.category(slug=slug) for slug in ("a", "b", "c"))
    posts = {cat.slug: make.post(category=cat) for cat in (a, b, c)}
    found = json_of(client.get(f"{BASE}/requests.json?service_code=a,c"))
    assert {r["service_request_id"] for r in found} == {posts["a"].id, posts["c"].id}


def test_date_window_defaults_to_ninety_days(client, make):
    recent = make.post()
    old = make.post()
    old.created_at = utcnow() - timedelta(days=120)
    db.session.commit()
    found = json_of(client.get(f"{BASE}/requests.json"))
    assert [r["service_request_id"] for r in found] == [recent.id]
    start = (utcnow() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (utcnow() - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%S+03:30")
    found = json_of(client.get(f"{BASE}/requests.json?start_date={start}&end_date={end.replace('+', '%2B')}"))
    assert [r["service_request_id"] for r in found] == [old.id]


def test_service_request_id_list_overrides_the_other_filters(client, make):
    resolved = make.post(PostStatus.RESOLVED)
    opened = make.post()
    old = make.post()
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    query = f"service_request_id={resolved.id},{old.id},abc&status=open&service_code=none"
    found = json_of(client.get(f"{BASE}/requests.json?{query}"))
    assert {r["service_request_id"] for r in found} == {resolved.id, old.id}
    assert opened.id not in {r["service_request_id"] for r in found}


def test_service_request_ids_that_are_not_numbers_find_nothing(client, make):
    make.post()
    assert json_of(client.get(f"{BASE}/requests.json?service_request_id=abc,-1")) == []
    assert xml_of(client.get(f"{BASE}/requests.xml?service_request_id=99999999999999999999")).findall("request") == []


def test_lists_stop_at_one_thousand(client, make, monkeypatch):
    from app.api.open311 import requests as service_requests

    monkeypatch.setattr(service_requests, "MAX_RESULTS", 2)  # a setting of the spec, made small
    for _ in range(3):
        make.post()
    assert len(json_of(client.get(f"{BASE}/requests.json"))) == 2


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "status=",
        "start_date=2026-01-01",  # no time zone
        "start_date=yesterday",
        "end_date=2026-01-01T00:00:00",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # more than 90 days
        "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",  # ends before it starts
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400_errors_in_the_requested_format(client, query, fmt):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "json":
        (error,) = json_of(response)
        assert error["code"] == 400 and error["description"]
    else:
        assert xml_of(response).findtext("error/code") == "400"


@pytest.mark.parametrize(
    "query",
    [
        "start_date=0001-01-01T00:00:00%2B05:00",
        "end_date=0001-01-01T00:00:00Z",
        "start_date=9999-12-31T23:59:59-12:00",
        "service_code=" + "x" * 5000,
        "service_request_id=" + ",".join(["1"] * 2000),
        "status=open,open,closed",
    ],
)
def test_odd_queries_never_break_the_list(client, make, query):
    make.post()
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests.{fmt}?{query}").status_code in (200, 400)


def test_unknown_request_and_unknown_format(client):
    assert client.get(f"{BASE}/requests/999.json").get_json()[0]["code"] == 404
    assert xml_of(client.get(f"{BASE}/requests/999.xml")).findtext("error/code") == "404"
    assert client.get(f"{BASE}/requests.csv").status_code == 404
