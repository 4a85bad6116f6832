"""The post form asks for similar posts with POST (a long description does not fit in a URL), with its CSRF token."""

import re

import pytest

from app.posts.models import PostStatus
from tests.factories import PASSWORD

TITLE = "چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم"


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_a_long_description_is_sent_in_the_body_with_the_forms_token(client, make):
    pothole = make.post(PostStatus.PUBLISHED, title=TITLE, body="چاله‌ای عمیق که شب‌ها دیده نمی‌شود.")
    resident = make.user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": resident.email, "password": PASSWORD, "csrf_token": token})
    form = client.get("/posts/new").get_data(as_text=True)
    assert 'hx-post="/search/similar"' in form and "[name=csrf_token]" in form
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
    draft = {"title": "چاله جلوی ایستگاه اتوبوس", "body": "چاله‌ی خطرناک جلوی ایستگاه. " * 180, "kind": "problem"}
    assert len(draft["body"]) > 4500  # far past what fits in a request line
    answer = client.post("/search/similar", data=draft | {"csrf_token": token}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and f'data-post-id="{pothole.id}"' in answer.get_data(as_text=True)
    assert client.post("/search/similar", data=draft).status_code == 400  # no token: refused


def test_suggestions_are_limited_per_address(app, client):
    app.config["SIMILAR_RATE_LIMIT"] = "3 per minute"
    codes = [client.get("/search/similar", query_string={"title": "چاله"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
