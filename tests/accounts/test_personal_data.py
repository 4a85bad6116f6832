"""Your data: download all of it as JSON; delete the account (posts, comments and votes stay)."""

import json

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User, UserSession
from app.extensions import db
from app.notifications.models import Notification
from app.posts import follows, votes
from app.posts.models import Follow, Post
from tests.factories import PASSWORD


@pytest.fixture
def resident(make):
    """A resident with a post, a comment, a vote, a follow and a notification."""
    user = make.user(display_name="Mina", email="Mina@Example.org")
    own = make.post(author=user, title="چراغ خاموش کوچه‌ی دهم")
    other = make.post()
    make.comment(other, author=user, body="من هم این را دیده‌ام، درست است.")
    votes.cast_vote(user, other, votes.SUPPORT)
    follows.follow_post(user, other)
    db.session.add(Notification(user_id=user.id, kind="comment_reply", post_id=own.id))
    db.session.commit()
    return user


def test_the_download_holds_everything_of_yours(client, auth, resident):
    auth.login(resident)
    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "Mina@example.org"
    assert [p["title"] for p in data["posts"]] == ["چراغ خاموش کوچه‌ی دهم"]
    assert data["comments"][0]["body"] == "من هم این را دیده‌ام، درست است."
    assert [v["value"] for v in data["votes"]] == [1]
    assert len(data["follows"]) == 2  # their own post (authors follow) and the other one
    assert "comment_reply" in {n["kind"] for n in data["notifications"]}
    assert data["flags"] == []


def test_the_download_needs_a_sign_in(client):
    assert client.get("/profile/data.json").status_code == 302


def test_deleting_the_account_erases_the_person_and_keeps_the_public_record(client, make, auth, resident):
    other = db.session.scalar(select(Post).where(Post.author_id != resident.id))
    own = db.session.scalar(select(Post).where(Post.author_id == resident.id))
    support_before = other.up_count
    auth.login(resident)
    session = client.get_cookie("session").value
    response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.rollback()
    gone = db.session.get(User, resident.id)
    assert gone.is_deleted and "Mina" not in (gone.email + gone.display_name)
    assert db.session.get(Post, other.id).up_count == support_before  # the vote stays counted
    assert db.session.scalar(select(Follow).where(Follow.user_id == resident.id)) is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == resident.id)) is None
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == resident.id)) is None
    client.set_cookie("lang", "en")
    page = client.get(f"/posts/{own.id}").get_data(as_text=True)
    assert "a former resident" in page and "Mina" not in page
    assert "a former resident" in client.get(f"/posts/{other.id}").get_data(as_text=True)  # the comment
    assert client.post("/login", data={"email": "Mina@example.org", "password": PASSWORD}).status_code == 422
    client.set_cookie("session", session)
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize(
    "data",
    [{}, {"password": "wrong", "confirm": "y"}, {"password": PASSWORD}, {"password": ["a", "b"], "confirm": "y"}],
)
def test_deleting_needs_the_password_and_the_tick(client, auth, resident, data):
    auth.login(resident)
    assert client.post("/profile/delete", data=data).status_code == 422
    db.session.rollback()
    assert not db.session.get(User, resident.id).is_deleted


def test_an_administrator_cannot_delete_their_account(client, make, auth):
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    assert client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 422
    db.session.rollback()
    assert not db.session.get(User, admin.id).is_deleted


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_deleting_needs_the_token(self, client, resident):
        from tests.accounts.helpers import csrf_token

        client.post(
            "/login", data={"email": resident.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        )
        assert client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 400
        db.session.rollback()
        assert not db.session.get(User, resident.id).is_deleted
