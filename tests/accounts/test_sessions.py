"""Sign-out ends a sign-in for good; changing the password or "sign out everywhere" ends the others."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User, UserSession
from app.extensions import db
from tests.accounts.helpers import csrf_token
from tests.factories import PASSWORD

NEW = "a-brand-new-secret"


def sign_in(client, user, remember=True):
    data = {"email": user.email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/login", data=data).status_code == 302


def with_cookie(app, name, value):
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def test_copies_of_the_cookies_taken_before_sign_out_sign_nobody_in(app, client, make):
    sign_in(client, make.user())
    session, remember = client.get_cookie("session").value, client.get_cookie("remember_token").value
    assert with_cookie(app, "session", session).get("/profile").status_code == 200  # each alone signs in …
    assert with_cookie(app, "remember_token", remember).get("/profile").status_code == 200
    client.post("/logout")
    assert with_cookie(app, "session", session).get("/profile").status_code == 302  # … and not after sign-out
    assert with_cookie(app, "remember_token", remember).get("/profile").status_code == 302


def test_signing_out_on_one_device_keeps_the_others(app, client, make):
    user = make.user()
    phone = app.test_client()
    sign_in(client, user)
    sign_in(phone, user)
    client.post("/logout")
    assert phone.get("/profile").status_code == 200


def test_sign_out_everywhere_ends_every_sign_in(app, client, make):
    user = make.user()
    phone = app.test_client()
    sign_in(client, user)
    sign_in(phone, user)
    assert client.post("/profile/sign-out-everywhere").headers["Location"] == "/login"
    assert phone.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sign_ins(app, client, make):
    user = make.user()
    phone = app.test_client()
    sign_in(client, user)
    sign_in(phone, user)
    wrong = client.post("/profile/password", data={"current_password": "not it", "password": NEW, "confirm": NEW})
    assert wrong.status_code == 422
    assert phone.get("/profile").status_code == 200
    right = client.post("/profile/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert right.status_code == 302
    assert client.get("/profile").status_code == 200  # this device stays signed in
    assert phone.get("/profile").status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"current_password": PASSWORD, "password": "", "confirm": ""},
        {"current_password": PASSWORD, "password": "short", "confirm": "short"},
        {"current_password": PASSWORD, "password": "qwertyuiop", "confirm": "qwertyuiop"},
        {"current_password": PASSWORD, "password": "x" * 129, "confirm": "x" * 129},
        {"current_password": PASSWORD, "password": NEW, "confirm": "something-else"},
        {"current_password": ["a", "b"], "password": NEW, "confirm": NEW},
    ],
)
def test_bad_password_changes_are_refused(client, make, data):
    user = make.user()
    sign_in(client, user)
    assert client.post("/profile/password", data=data).status_code == 422
    db.session.rollback()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_sign_ins_older_than_the_remember_cookie_are_forgotten(app, client, make):
    from datetime import timedelta

    from app.core.db import utcnow

    user = make.user()
    sign_in(client, user)
    db.session.rollback()
    db.session.execute(db.update(UserSession).values(created_at=utcnow() - timedelta(days=60)))
    db.session.commit()
    sign_in(app.test_client(), user)  # a new sign-in clears the stale ones
    assert client.get("/profile").status_code == 302


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_sign_out_everywhere_and_password_change_need_the_token(self, client, make):
        user = make.user()
        client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        )
        assert client.post("/profile/sign-out-everywhere").status_code == 400
        data = {"current_password": PASSWORD, "password": NEW, "confirm": NEW}
        assert client.post("/profile/password", data=data).status_code == 400
        assert client.post("/logout").status_code == 400
        assert client.get("/profile").status_code == 200  # still signed in
