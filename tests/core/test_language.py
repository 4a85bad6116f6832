"""The language switch: remembered per browser for visitors, per account for users."""

import re

import pytest

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def token(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_a_visitor_switches_language_with_a_cookie(client):
    response = client.post("/language", data={"language": "en", "next": "/posts"})
    assert response.status_code == 302 and response.headers["Location"] == "/posts"
    assert 'lang="en" dir="ltr"' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"language": "fa"})
    assert 'lang="fa" dir="rtl"' in client.get("/").get_data(as_text=True)


def test_unknown_language_and_foreign_next_change_nothing(client):
    response = client.post("/language", data={"language": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers


def test_accept_language_picks_for_visitors_and_persian_is_the_default(client):
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="fa"' in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="fa"' in client.get("/").get_data(as_text=True)


def test_a_signed_in_choice_is_saved_on_the_account_and_needs_the_token(client, make):
    user = make.user()
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token(client)})
    assert client.post("/language", data={"language": "en"}).status_code == 400
    assert client.post("/language", data={"language": "en", "csrf_token": token(client, "/profile")}).status_code == 302
    db.session.rollback()
    assert db.session.get(User, user.id).locale == "en"
    other_browser = client.application.test_client()
    other_browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token(other_browser)})
    assert 'lang="en"' in other_browser.get("/").get_data(as_text=True)
