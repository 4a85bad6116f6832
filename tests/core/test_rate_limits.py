"""Rate limits hold when the requests arrive at once: each request is counted as it enters."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.moderation.models import Flag
from app.notifications.models import OutboxEmail
from app.posts.models import Comment, Vote
from tests.factories import PASSWORD


def at_once(app, count: int, send) -> list:
    """Call send(client, number) from `count` threads released together; the responses, in order."""
    barrier = threading.Barrier(count)
    responses: list = [None] * count

    def run(number: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[number] = send(client, number)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def _signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_thirty_sign_ups_sent_at_once_create_no_more_accounts_than_the_limit(app):
    app.config["SIGNUP_RATE_LIMIT"] = "20 per hour"

    def sign_up(client, number):
        data = {"email": f"burst{number}@example.org", "display_name": f"Burst {number}"}
        return client.post("/signup", data=data | {"password": "a-good-password", "confirm": "a-good-password"})

    codes = [r.status_code for r in at_once(app, 30, sign_up)]
    db.session.rollback()
    created = db.session.scalar(select(func.count()).select_from(User).where(User.email.like("burst%")))
    assert created == 20 and codes.count(302) == 20 and codes.count(429) == 10


def test_sign_ups_of_a_taken_address_sent_at_once_e_mail_its_owner_no_more_than_the_limit(app, make):
    app.config["SIGNUP_OWNER_MAIL_RATE_LIMIT"] = "3 per hour"
    owner = make.user(email="taken@example.org")
    db.session.commit()

    def sign_up(client, number):
        data = {"email": "taken@example.org", "display_name": f"Burst {number}"}
        return client.post("/signup", data=data | {"password": "a-good-password", "confirm": "a-good-password"})

    codes = [r.status_code for r in at_once(app, 12, sign_up)]
    db.session.rollback()
    mails = db.session.scalar(select(func.count(OutboxEmail.id)).where(OutboxEmail.user_id == owner.id))
    assert codes == [302] * 12 and mails == 3


def test_password_guesses_sent_at_once_are_not_checked_past_the_limit(app):
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"

    def guess(client, number):
        return client.post("/login", data={"email": f"guess{number}@example.org", "password": "wrong guess"})

    codes = [r.status_code for r in at_once(app, 25, guess)]
    assert codes.count(422) == 10 and codes.count(429) == 15


def test_every_sign_in_try_counts_even_a_right_one(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    user = make.user()
    codes = [client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code for _ in range(3)]
    assert codes[2] == 429


@pytest.mark.parametrize(
    ("setting", "path", "data", "model"),
    [
        ("COMMENT_RATE_LIMIT", "/posts/{post}/comments", {"body": "من هم همین را دیدم."}, Comment),
        ("FLAG_RATE_LIMIT", "/moderation/posts/{post}/flag", {"reason": "spam"}, Flag),
        ("VOTE_RATE_LIMIT", "/posts/{post}/vote", {"value": "1"}, Vote),
    ],
)
def test_one_account_acting_at_once_on_many_posts_stops_at_its_limit(app, make, setting, path, data, model):
    app.config[setting] = "3 per minute"
    posts = [make.post().id for _ in range(6)]
    user = make.user()
    cookie = _signed_in(app, user).get_cookie("session").value

    def act(client, number):
        client.set_cookie("session", cookie)
        return client.post(path.format(post=posts[number]), data=data)

    codes = [r.status_code for r in at_once(app, 6, act)]
    db.session.rollback()
    owner = model.author_id if model is Comment else model.user_id
    done = db.session.scalar(select(func.count()).select_from(model).where(owner == user.id))
    assert codes.count(429) == 3 and done == 3


def test_a_limit_counts_per_account_not_per_shared_address(app, make):
    app.config["VOTE_RATE_LIMIT"] = "1 per minute"
    post = make.post()
    for user in (make.user(), make.user()):  # two residents behind one carrier's address
        assert _signed_in(app, user).post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 302


def test_searches_from_one_address_are_limited(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "2 per minute"
    codes = [client.get(f"/search?q=word{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_the_limit_page_is_friendly_and_translated(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "1 per minute"
    client.get("/search?q=a")
    response = client.get("/search?q=b")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert 'lang="fa"' in page and "لطفاً کمی صبر کنید" in page
    client.set_cookie("lang", "en")
    assert "Please wait a little" in client.get("/search?q=c").get_data(as_text=True)
