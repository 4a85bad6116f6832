"""/api/v1 access: tokens (profile page, hashed, revoked), CSRF for cookie callers only, the
permission matrix of every role, votes, follows, notifications, directory, search."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.api import credentials
from app.api.models import ApiToken
from app.extensions import db
from app.posts.models import PostKind, PostStatus
from tests.api.conftest import bearer_for

API = "/api/v1"


def test_a_token_made_on_the_profile_page_is_shown_once_and_stored_hashed(client, auth, make):
    user = make.user()
    auth.login(user)
    page = client.post("/profile/api-tokens", data={"name": "برنامه‌ی گوشی"}).get_data(as_text=True)
    secret = re.search(r'id="new-token">([^<]+)<', page).group(1)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == credentials.digest(secret) and secret not in stored.token_hash
    assert secret not in client.get("/profile/api-tokens").get_data(as_text=True)  # never shown again
    auth.logout()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/notifications", headers=headers).status_code == 200
    auth.login(user)
    assert client.post(f"/profile/api-tokens/{stored.id}/revoke").status_code == 302
    auth.logout()
    assert client.get(f"{API}/notifications", headers=headers).status_code == 401


def test_a_write_notes_when_the_token_was_last_used_and_a_read_does_not(client, make, token_for):
    headers = token_for(make.user())
    post = make.post()
    client.get(f"{API}/notifications", headers=headers)
    assert db.session.scalar(select(ApiToken)).last_used_at is None
    client.put(f"{API}/posts/{post.id}/follow", headers=headers)
    db.session.rollback()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_nobody_revokes_someone_else_s_token(client, auth, make):
    token, _secret = credentials.create_api_token(make.user(), "theirs")
    db.session.commit()
    auth.login(make.user())
    assert client.post(f"/profile/api-tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_the_token_page_refuses_an_empty_name(client, auth, make):
    auth.login(make.user())
    assert client.post("/profile/api-tokens", data={"name": " "}).status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "token"])
def test_a_bad_authorization_header_is_a_401(client, header):
    response = client.get(f"{API}/posts", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_blocked_user_s_token_stops_working(client, make, token_for):
    user = make.user()
    headers = token_for(user)
    user.is_blocked = True
    db.session.commit()
    assert client.get(f"{API}/notifications", headers=headers).status_code == 401


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_cookie_callers_need_the_csrf_token_and_token_callers_do_not(self, client, make, token_for):
        from tests.factories import PASSWORD

        post = make.post()
        user = make.user()
        login = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
        response = client.put(f"{API}/posts/{post.id}/follow")
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf"
        assert client.put(f"{API}/posts/{post.id}/follow", headers={"X-CSRFToken": csrf}).status_code == 200
        assert client.get(f"{API}/notifications").status_code == 200  # reads need no token
        fresh = client.application.test_client()
        assert fresh.put(f"{API}/posts/{post.id}/follow", headers=token_for(make.user())).status_code == 200


# The permission matrix: who may do what to whose post, through the API.
ROLES = ["visitor", "resident", "author", "moderator", "staff"]


@pytest.fixture
def callers(world_kept):
    return world_kept(_callers)


def _callers(make):
    department = make.department()
    author = make.user()
    people = {
        "resident": make.user(),
        "author": author,
        "moderator": make.user(Role.MODERATOR),
        "staff": make.user(Role.STAFF, department=department),
    }
    headers = {"visitor": {}} | {role: bearer_for(user) for role, user in people.items()}
    category = make.category(department=department)
    return headers, author, category


def _pending(make, author, category):
    return make.post(PostStatus.PENDING, author=author, category=category)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("read_public", {"visitor": 200, "resident": 200, "author": 200, "moderator": 200, "staff": 200}),
        ("read_pending", {"visitor": 404, "resident": 404, "author": 200, "moderator": 200, "staff": 404}),
        ("create", {"visitor": 401, "resident": 201, "author": 201, "moderator": 201, "staff": 201}),
        ("comment", {"visitor": 401, "resident": 201, "author": 201, "moderator": 201, "staff": 201}),
        ("comment_pending", {"visitor": 401, "resident": 404, "author": 403, "moderator": 403, "staff": 404}),
        ("vote", {"visitor": 401, "resident": 200, "author": 422, "moderator": 200, "staff": 200}),
        ("follow", {"visitor": 401, "resident": 200, "author": 200, "moderator": 200, "staff": 200}),
        ("follow_pending", {"visitor": 401, "resident": 404, "author": 200, "moderator": 200, "staff": 404}),
        ("notifications", {"visitor": 401, "resident": 200, "author": 200, "moderator": 200, "staff": 200}),
        ("read_all", {"visitor": 401, "resident": 200, "author": 200, "moderator": 200, "staff": 200}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, make, callers, action, expected, role):
    headers, author, category = callers
    h = headers[role]
    public = make.post(author=author, category=category)
    new_post = {
        "kind": "problem",
        "title": "پیاده‌رو شکسته است",
        "body": "پیاده‌روی جلوی مدرسه شکسته و خطرناک است.",
        "category": category.slug,
    }
    calls = {
        "read_public": lambda: client.get(f"{API}/posts/{public.id}", headers=h),
        "read_pending": lambda: client.get(f"{API}/posts/{_pending(make, author, category).id}", headers=h),
        "create": lambda: client.post(f"{API}/posts", json=new_post, headers=h),
        "comment": lambda: client.post(f"{API}/posts/{public.id}/comments", json={"body": "موافقم"}, headers=h),
        "comment_pending": lambda: client.post(
            f"{API}/posts/{_pending(make, author, category).id}/comments", json={"body": "موافقم"}, headers=h
        ),
        "vote": lambda: client.put(f"{API}/posts/{public.id}/vote", json={"value": 1}, headers=h),
        "follow": lambda: client.put(f"{API}/posts/{public.id}/follow", headers=h),
        "follow_pending": lambda: client.put(f"{API}/posts/{_pending(make, author, category).id}/follow", headers=h),
        "notifications": lambda: client.get(f"{API}/notifications", headers=h),
        "read_all": lambda: client.post(f"{API}/notifications/read-all", headers=h),
    }
    response = calls[action]()
    assert response.status_code == expected[role], response.get_data(as_text=True)


def test_votes_are_idempotent_and_can_be_taken_back(client, make, token_for):
    idea = make.post(kind=PostKind.IDEA)
    headers = token_for(make.user())
    url = f"{API}/posts/{idea.id}/vote"
    assert client.put(url, json={"value": 1}, headers=headers).get_json() == {
        "value": 1,
        "up_count": 1,
        "down_count": 0,
        "support": 1,
    }
    assert client.put(url, json={"value": 1}, headers=headers).get_json()["up_count"] == 1
    assert client.put(url, json={"value": -1}, headers=headers).get_json()["support"] == -1
    assert client.delete(url, headers=headers).get_json() == {"value": 0, "up_count": 0, "down_count": 0, "support": 0}
    assert client.delete(url, headers=headers).get_json()["value"] == 0


@pytest.mark.parametrize("value", [-1, 0, 2, "1", True, None])
def test_invalid_votes_are_refused(client, make, token_for, value):
    problem = make.post()
    response = client.put(f"{API}/posts/{problem.id}/vote", json={"value": value}, headers=token_for(make.user()))
    assert response.status_code == 422


def test_follow_and_unfollow(client, make, token_for):
    post = make.post()
    headers = token_for(make.user())
    assert client.put(f"{API}/posts/{post.id}/follow", headers=headers).get_json() == {"following": True}
    assert client.delete(f"{API}/posts/{post.id}/follow", headers=headers).get_json() == {"following": False}


def test_notifications_list_and_mark_read(client, make, token_for):
    author = make.user()
    post = make.post(author=author)
    make.comment(post)  # the author follows the post: a notification
    headers = token_for(author)
    page = client.get(f"{API}/notifications", headers=headers).get_json()
    assert page["unread"] == len(page["items"]) >= 1
    assert page["items"][0]["post_id"] == post.id and page["items"][0]["text"]
    assert client.post(f"{API}/notifications/read-all", headers=headers).get_json()["marked"] == page["unread"]
    assert client.get(f"{API}/notifications", headers=headers).get_json()["unread"] == 0


def test_categories_and_departments(client, make):
    department = make.department(slug="water", name_fa="آب", name_en="Water")
    make.category(slug="leaks", department=department)
    make.category(slug="old", is_active=False)
    categories = client.get(f"{API}/categories").get_json()["items"]
    assert [c["slug"] for c in categories] == ["leaks"] and categories[0]["department"] == "water"
    departments = client.get(f"{API}/departments", headers={"Accept-Language": "en"}).get_json()["items"]
    assert {"slug": "water", "name": "Water", "name_fa": "آب", "name_en": "Water"} in departments


def test_search_finds_persian_words_and_pages_by_cursor(client, make):
    posts = [make.post(title=f"درخت افتاده در بلوار {n}", body="درختی روی پیاده‌رو افتاده است.") for n in range(3)]
    page = client.get(f"{API}/search", query_string={"q": "درخت", "limit": 2}).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["available"]
    rest = client.get(f"{API}/search", query_string={"q": "درخت", "cursor": page["next_cursor"]}).get_json()
    found = {hit["post"]["id"] for hit in page["items"] + rest["items"]}
    assert found == {post.id for post in posts}
    assert client.get(f"{API}/search").status_code == 422  # nothing to look for
    assert client.get(f"{API}/search", query_string={"department": "nothing", "q": "x"}).status_code == 422


def test_similar_posts_to_a_draft(client, make):
    post = make.post(title="چراغ راهنمایی میدان شهدا خراب است", body="چراغ راهنمایی میدان شهدا از صبح کار نمی‌کند.")
    found = client.get(f"{API}/similar", query_string={"title": "چراغ راهنمایی خراب"}).get_json()["items"]
    assert [item["post"]["id"] for item in found] == [post.id]
    assert client.get(f"{API}/similar").status_code == 422
