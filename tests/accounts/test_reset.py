"""Password reset: one answer for every address, a signed link that works once, for an hour."""

import pytest
from sqlalchemy import func, select

from app.accounts import services, tokens
from app.accounts.models import User
from app.extensions import db
from app.notifications.models import OutboxEmail
from tests.accounts.helpers import link_in, mails_to

NEW = "a-brand-new-secret"


def ask(client, email):
    return client.post("/forgot-password", data={"email": email})


def reset_link_for(client, user) -> str:
    assert ask(client, user.email).status_code == 302
    return link_in(mails_to(user)[-1], "/reset-password/")


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, make):
    user = make.user()
    known, unknown = ask(client, user.email), ask(client, "nobody@example.org")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert len(mails_to(user)) == 1
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1


def test_the_link_sets_a_new_password_and_works_once(client, make):
    user = make.user()
    link = reset_link_for(client, user)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/login"
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302
    client.post("/logout")
    again = client.post(link, data={"password": "yet-another-secret", "confirm": "yet-another-secret"})
    assert again.status_code == 400
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_the_link_stops_working_when_the_password_changes_another_way(client, make, auth):
    user = make.user()
    link = reset_link_for(client, user)
    auth.login(user)
    client.post(
        "/profile/password", data={"current_password": "correct horse battery", "password": NEW, "confirm": NEW}
    )
    client.post("/logout")
    assert client.get(link).status_code == 400


def test_the_link_expires(app, client, make):
    link = reset_link_for(client, make.user())
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 400


def test_a_verification_link_or_a_forged_one_does_not_reset(client, make):
    user = make.user()
    verify = tokens.make_token(tokens.VERIFY_SALT, {"u": user.id, "p": tokens.fingerprint(user.password_hash)})
    forged = tokens.make_token(tokens.RESET_SALT, {"u": user.id, "p": "0" * 16})
    for token in (verify, forged, "x", "a" * 600):
        assert client.post(f"/reset-password/{token}", data={"password": NEW, "confirm": NEW}).status_code in (400, 404)
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 422


@pytest.mark.parametrize(
    ("password", "confirm"),
    [("", ""), ("short", "short"), ("1234567890", "1234567890"), ("x" * 129, "x" * 129), (NEW, "different-one")],
)
def test_a_bad_new_password_is_refused_and_the_link_still_works(client, make, password, confirm):
    link = reset_link_for(client, make.user())
    assert client.post(link, data={"password": password, "confirm": confirm}).status_code == 422
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("email", ["", "not-an-address", "a" * 250 + "@x.org"])
def test_bad_addresses_are_refused_on_the_form(client, email):
    assert ask(client, email).status_code == 422


def test_a_reset_ends_every_sign_in_and_confirms_the_address(client, app, make):
    user = make.user(verified=False)
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert elsewhere.get("/profile").status_code == 200
    link = reset_link_for(client, user)
    client.post(link, data={"password": NEW, "confirm": NEW})
    assert elsewhere.get("/profile").status_code == 302
    db.session.rollback()
    assert db.session.get(User, user.id).is_verified


def test_requests_are_rate_limited_per_mailbox(app, client, make):
    app.config["RESET_PER_MAILBOX_RATE_LIMIT"] = "2 per hour"
    user, other = make.user(), make.user()
    codes = [ask(client, user.email.upper()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert ask(client, other.email).status_code == 302  # another mailbox has its own count
    assert len(mails_to(user)) == 2


def test_requests_are_rate_limited_per_client_address(app, client):
    app.config["RESET_RATE_LIMIT"] = "2 per hour"
    codes = [ask(client, f"person{n}@example.org").status_code for n in range(3)]
    assert codes == [302, 302, 429]


def test_reset_is_a_service_the_cli_and_tests_can_call(make):
    user = make.user()
    services.set_password(user, NEW)
    db.session.commit()
    assert services.authenticate(user.email, NEW) == user
