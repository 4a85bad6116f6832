"""With CSRF protection on (as in production), a POST without the token is refused clearly."""

import re

import pytest


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_post_without_token_is_refused_with_a_message(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "فرم شما منقضی شده" in response.get_data(as_text=True)


def test_post_with_the_token_from_the_page_works(client, make):
    from tests.factories import PASSWORD

    user = make.user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_vote_without_token_changes_nothing(client, make, auth):
    from tests.factories import PASSWORD

    post, user = make.post(), make.user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 400
