"""Sign-up, sign-in, sign-out, remember me, safe redirects and the slow-down of password guessing."""

import pytest
from sqlalchemy import event, func, select

from app.accounts.models import LoginFailure, User
from app.accounts.services import find_user_by_email
from app.extensions import db
from app.notifications.models import OutboxEmail
from tests.factories import PASSWORD


def signup(client, **overrides):
    data = {
        "email": "Maryam@Example.org",
        "display_name": "مریم",
        "password": "a-good-password",
        "confirm": "a-good-password",
    } | overrides
    return client.post("/signup", data=data)


def test_signup_creates_an_unverified_resident_and_e_mails_the_link(client):
    response = signup(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    user = db.session.scalar(select(User).where(User.email_key == "maryam@example.org"))
    assert user.email == "Maryam@example.org"
    assert user.role.value == "resident"
    assert user.password_hash.startswith("$argon2id$")
    assert not user.is_verified
    mail = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == user.id)).one()
    assert "/verify-email/" in mail.body


def test_a_language_chosen_before_signing_up_becomes_the_accounts_and_its_mail_speaks_it(client):
    client.set_cookie("lang", "en")
    assert signup(client).status_code == 302
    user = db.session.scalar(select(User).where(User.email_key == "maryam@example.org"))
    assert user.locale == "en"
    mail = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == user.id)).one()
    assert "Hello" in mail.body


def test_a_browser_that_only_prefers_english_chooses_nothing_at_sign_up(client):
    client.post(
        "/signup",
        data={
            "email": "a@example.org",
            "display_name": "علی",
            "password": "a-good-password",
            "confirm": "a-good-password",
        },
        headers={"Accept-Language": "en"},
    )
    assert db.session.scalar(select(User.locale).where(User.email_key == "a@example.org")) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", ""),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@x.org"),
        ("display_name", ""),
        ("display_name", "م"),
        ("display_name", "م" * 61),
        ("password", "short"),
        ("password", "nine-char"),
        ("password", "x" * 129),
        ("password", "1234567890"),
        ("password", "Password123"),
        ("display_name", "Admin"),
        ("display_name", "مدیر سایت"),
        ("confirm", "something-else"),
    ],
)
def test_signup_refuses_bad_input_and_keeps_what_was_typed(client, field, value):
    response = signup(client, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page
    if field != "display_name":
        assert "مریم" in page  # the other fields keep their values
    assert db.session.scalar(select(User)) is None


def test_signup_with_a_taken_address_answers_like_a_new_one_and_tells_the_owner(client, make):
    owner = make.user(email="taken@example.org")
    taken = signup(client, email="TAKEN@example.org")
    new = signup(client, email="new@example.org")
    assert (taken.status_code, taken.headers["Location"]) == (new.status_code, new.headers["Location"])
    assert db.session.scalar(select(func.count(User.id))) == 2  # the owner and the new one
    mail = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == owner.id)).one()
    assert "/forgot-password" in mail.body


def test_sign_ups_with_a_taken_address_e_mail_its_owner_at_most_the_mailbox_limit(app, client, make):
    app.config["SIGNUP_OWNER_MAIL_RATE_LIMIT"] = "3 per hour"  # read at each request
    owner = make.user(email="taken@example.org")
    answers = [signup(client, email=spelling) for spelling in ("taken@example.org", "TAKEN@Example.org") * 3]
    new = signup(client, email="new@example.org")
    # Every try answers as a new address does, the ones past the limit too: the page tells nothing.
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {(new.status_code, new.headers["Location"])}
    mails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == owner.id)).all()
    assert len(mails) == 3  # counted per mailbox, however the address is written
    newcomer = db.session.scalar(select(User).where(User.email_key == "new@example.org"))
    assert db.session.scalar(select(func.count(OutboxEmail.id)).where(OutboxEmail.user_id == newcomer.id)) == 1


def test_new_accounts_from_one_address_are_rate_limited(app, client):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per hour"  # read at each request
    codes = []
    for number in range(3):
        codes.append(signup(client, email=f"person{number}@example.org").status_code)
        client.post("/logout")
    assert codes == [302, 302, 429]
    assert db.session.scalar(select(User).where(User.email_key == "person2@example.org")) is None


def test_every_sign_up_try_counts_on_entry_even_a_refused_form(app, client):
    app.config["SIGNUP_RATE_LIMIT"] = "1 per hour"  # counted before the form is read: bursts cannot pass
    assert signup(client, password="short", confirm="short").status_code == 422
    assert signup(client).status_code == 429


def test_login_and_logout(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert user.display_name in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 302
    assert user.display_name not in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, make):
    user = make.user()
    for email in (user.email, "nobody@example.org"):
        response = client.post("/login", data={"email": email, "password": "wrong password"})
        assert response.status_code == 422
        assert "is-invalid" in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/posts?kind=idea", "/posts?kind=idea"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, make, target, expected):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_repeated_failures_slow_down_that_account(client, make, app):
    user = make.user()
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429  # even the right password waits its turn
    db.session.rollback()
    assert db.session.get(LoginFailure, user.email_key).failures == app.config["LOGIN_FREE_FAILURES"]


def test_unknown_addresses_are_slowed_down_like_known_ones(client, make, app):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # the per-account slow-down is under test here
    user = make.user()
    answers = {}
    for email in (user.email, "nobody@example.org"):
        for _ in range(app.config["LOGIN_FREE_FAILURES"]):
            assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 422
        response = client.post("/login", data={"email": email, "password": "wrong"})
        answers[email] = (response.status_code, "is-invalid" in response.get_data(as_text=True))
    assert answers[user.email] == answers["nobody@example.org"] == (429, True)


def test_success_clears_the_failure_count(client, make):
    user = make.user()
    client.post("/login", data={"email": user.email, "password": "wrong"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    db.session.rollback()
    assert db.session.get(LoginFailure, user.email_key) is None


def test_many_failed_sign_ins_from_one_address_are_rate_limited(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"  # read at each request
    app.config["LOGIN_FREE_FAILURES"] = 100
    codes = [
        client.post("/login", data={"email": f"x{i}@example.org", "password": "nope"}).status_code for i in range(5)
    ]
    assert codes[:3] == [422, 422, 422]
    assert codes[3:] == [429, 429]


def test_changing_the_password_signs_out_other_sessions(client, make):
    from app.accounts.services import set_password

    user = make.user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    set_password(user, "another password")
    db.session.commit()
    assert client.get("/profile").status_code == 302  # back to the sign-in page


def test_profile_changes_name_and_language(client, make, auth):
    user = make.user()
    auth.login(user)
    response = client.post("/profile", data={"display_name": "  نام تازه  ", "locale": "en"})
    assert response.status_code == 302
    db.session.rollback()
    assert (db.session.get(User, user.id).display_name, db.session.get(User, user.id).locale) == ("نام تازه", "en")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_profile_refuses_an_unknown_language(client, make, auth):
    auth.login(make.user())
    assert client.post("/profile", data={"display_name": "نام", "locale": "xx"}).status_code == 422


def test_finding_an_account_by_e_mail_uses_the_index_not_a_scan_of_every_user(make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")
    user = make.user(email="maryam@example.org")
    seen = []

    def record(_connection, _cursor, statement, parameters, *_rest):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert find_user_by_email("  Maryam@Example.org ") == user
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[-1]
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    assert not any(row[-1].startswith("SCAN user") for row in plan), plan


def test_failure_counts_a_day_old_are_forgotten(client, make):
    from datetime import timedelta

    from app.core.db import utcnow

    db.session.add(LoginFailure(email_key="old@example.org", failures=9, last_failed_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    client.post("/login", data={"email": "new@example.org", "password": "wrong"})
    db.session.rollback()
    assert db.session.get(LoginFailure, "old@example.org") is None
    assert db.session.get(LoginFailure, "new@example.org").failures == 1
