"""A real Open311 client library (georeport, from PyPI) reads our server over HTTP in both formats.

georeport 0.3.1 has no call for creating a request (it reads only), so the POST is sent with
`requests`, as a client app would, and georeport then reads the result back."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from app.extensions import db
from app.posts.models import Post, PostStatus

PERSIAN = "آسفالت کوچه‌ی ۱۲ بلوار سجاد ترک برداشته و آب باران در آن جمع می‌شود."


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(live_server, make, api_key, fmt):
    department = make.department(name_fa="عمران", name_en="Civil works")
    make.category(slug="roads", department=department, name_fa="راه‌ها", name_en="Roads")
    _key, secret = api_key
    created = requests.post(
        f"{live_server}/open311/v2/requests.{fmt}",
        data={"api_key": secret, "service_code": "roads", "lat": "36.3", "long": "59.6", "description": PERSIAN},
        timeout=10,
    )
    assert created.status_code == 201
    db.session.rollback()
    post = make.move(db.session.query(Post).one(), PostStatus.FORWARDED)

    client = GeoReport(f"{live_server}/open311/v2", output_format=fmt)
    (service,) = [client.get_service_list()] if fmt == "xml" else client.get_service_list()
    assert (service["service_code"], service["service_name"], service["group"]) == ("roads", "راه‌ها", "عمران")
    definition = client.get_service_definition("roads")
    assert definition["service_code"] == "roads"
    single = client.get_service_request(str(post.id))
    assert str(single["service_request_id"]) == str(post.id)
    assert single["description"] == PERSIAN
    assert single["status"] == "open"
    listed = client.get_service_requests(service_code="roads", status="open")
    listed = [listed] if isinstance(listed, dict) else listed
    assert [str(r["service_request_id"]) for r in listed] == [str(post.id)]
    with pytest.raises(requests.HTTPError) as error:
        client.get_service_definition("nothing")
    assert error.value.response.status_code == 404
