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


def test_persian_stays_the_default_whatever_the_browser_prefers(client):
    for preference in ("en-GB,en;q=0.9", "de", "fa", None):
        headers = {"Accept-Language": preference} if preference else {}
        assert 'lang="fa" dir="rtl"' in client.get("/", headers=headers).get_data(as_text=True), preference


OFFER = "This site is also in English."


@pytest.mark.parametrize("preference", ["en", "en-US,en;q=0.9,fa;q=0.5", "de,en;q=0.5"])
def test_a_browser_that_prefers_english_is_offered_it_in_english(client, preference):
    html = client.get("/posts", headers={"Accept-Language": preference}).get_data(as_text=True)
    offer = html.split('class="language-offer"')[1].split("</aside>")[0]
    assert 'lang="en" dir="ltr"' in offer and OFFER in offer
    assert 'name="language" value="en"' in offer and 'name="next" value="/posts"' in offer


@pytest.mark.parametrize("preference", [None, "fa", "fa-IR,fa;q=0.9,en;q=0.8", "de"])
def test_no_offer_when_the_browser_prefers_persian_or_neither(client, preference):
    headers = {"Accept-Language": preference} if preference else {}
    assert OFFER not in client.get("/", headers=headers).get_data(as_text=True)


def test_taking_the_offer_switches_and_remembers_it(client):
    html = client.get("/posts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert OFFER in html
    response = client.post("/language", data={"language": "en", "next": "/posts"})
    assert response.headers["Location"] == "/posts"
    page = client.get("/posts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in page and OFFER not in page


def test_keeping_persian_is_a_choice_too_and_ends_the_offer(client):
    client.post("/language", data={"language": "fa"})
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fa"' in page and OFFER not in page


def test_a_user_who_chose_is_not_offered_and_one_who_did_not_is(client, make):
    chose, undecided = make.user(locale="fa"), make.user()
    client.post("/login", data={"email": chose.email, "password": PASSWORD, "csrf_token": token(client)})
    assert OFFER not in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    other = client.application.test_client()
    other.post("/login", data={"email": undecided.email, "password": PASSWORD, "csrf_token": token(other)})
    page = other.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fa"' in page and OFFER in page


def test_programs_still_ask_for_a_language_by_accept_language(client, make):
    make.department(slug="water", name_fa="آب", name_en="Water")
    english = client.get("/api/v1/departments", headers={"Accept-Language": "en"}).get_json()["items"]
    persian = client.get("/api/v1/departments").get_json()["items"]
    assert english[0]["name"] == "Water" and persian[0]["name"] == "آب"


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
