"""/api/v1 posts and comments: lists with filters, sorts and cursors; reading, writing, errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.posts.models import Post, PostKind, PostStatus

API = "/api/v1"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status and error["message"]
    return error


def test_the_list_walks_every_public_post_once_by_cursor(client, make):
    posts = [make.post() for _ in range(5)]
    make.post(PostStatus.PENDING)
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(f"{API}/posts", query_string=query).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [post.id for post in reversed(posts)]  # newest first, no repeats, nothing private


def test_the_list_filters_and_sorts_as_the_web_does(client, make):
    category = make.category(slug="trees")
    idea = make.post(kind=PostKind.IDEA, category=category)
    problem = make.post()
    resolved = make.post(PostStatus.RESOLVED)
    make.supporters(problem, 2)

    def ids(**query):
        return [item["id"] for item in client.get(f"{API}/posts", query_string=query).get_json()["items"]]

    assert ids(kind="idea") == [idea.id]
    assert ids(category="trees") == [idea.id]
    assert ids(status="resolved") == [resolved.id]
    assert ids(sort="supported")[0] == problem.id
    assert ids(status="pending") == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"limit": 0}, 422),
        ({"limit": 101}, 422),
        ({"limit": "many"}, 422),
        ({"sort": "random"}, 422),
        ({"kind": "rumour"}, 422),
        ({"category": "nothing"}, 422),
        ({"cursor": "not-a-cursor"}, 400),
        ({"cursor": "WyJ4Il0"}, 400),  # ["x"]: a cursor of the wrong shape
    ],
)
def test_bad_list_parameters_get_the_stable_error_shape(client, make, query, status):
    make.post()
    error = error_of(client.get(f"{API}/posts", query_string=query), status)
    assert error["fields"]


def test_the_supported_order_pages_by_cursor_too(client, make):
    posts = [make.post() for _ in range(3)]
    make.supporters(posts[1], 1)
    first = client.get(f"{API}/posts", query_string={"sort": "supported", "limit": 1}).get_json()
    rest = client.get(f"{API}/posts", query_string={"sort": "supported", "cursor": first["next_cursor"]}).get_json()
    order = [item["id"] for item in first["items"] + rest["items"]]
    assert order == [posts[1].id, posts[2].id, posts[0].id]


def test_a_post_shows_no_personal_data(client, make):
    author = make.user(display_name="مریم")
    post = make.post(author=author)
    data = client.get(f"{API}/posts/{post.id}").get_json()
    assert data["author"] == {"display_name": "مریم"}
    assert author.email not in client.get(f"{API}/posts/{post.id}").get_data(as_text=True)
    assert data["title"] == post.title and data["url"].endswith(f"/posts/{post.id}")


def test_creating_a_post_puts_it_in_the_moderation_queue(client, make, token_for):
    author = make.user()
    make.category(slug="lights")
    body = {
        "kind": "problem",
        "title": "چراغ کوچه خاموش است",
        "body": "از دیشب چراغ کوچه‌ی ما خاموش است و تاریک است.",
        "category": "lights",
    }
    response = client.post(f"{API}/posts", json=body, headers=token_for(author))
    assert response.status_code == 201
    data = response.get_json()
    assert data["status"] == "pending"
    assert response.headers["Location"] == f"{API}/posts/{data['id']}"
    post = db.session.get(Post, data["id"])
    assert (post.author_id, post.status, post.title) == (author.id, PostStatus.PENDING, body["title"])
    assert client.get(f"{API}/posts/{post.id}").status_code == 404  # not public until approved
    assert client.get(f"{API}/posts/{post.id}", headers=token_for(author)).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "کوتاه"}, "title"),
        ({"body": "کوتاه"}, "body"),
        ({"category": "nothing"}, "category"),
        ({"kind": "rumour"}, "kind"),
        ({"latitude": 35.0, "longitude": 51.4}, "latitude"),  # outside the city
        ({"latitude": 36.3}, "latitude"),  # one coordinate
        ({"colour": "red"}, "colour"),  # unknown field
        ({"title": 12}, "title"),
    ],
)
def test_invalid_posts_are_422_with_the_field_named(client, make, token_for, change, field):
    make.category(slug="lights")
    body = {
        "kind": "problem",
        "title": "چراغ کوچه خاموش است",
        "body": "از دیشب چراغ کوچه‌ی ما خاموش است.",
        "category": "lights",
    }
    error = error_of(client.post(f"{API}/posts", json=body | change, headers=token_for(make.user())), 422)
    assert field in error["fields"]
    assert db.session.scalar(select(Post)) is None


def test_a_body_that_is_not_a_json_object_is_refused(client, make, token_for):
    headers = token_for(make.user())
    assert (
        error_of(client.post(f"{API}/posts", data="title=x", headers=headers), 415)["code"] == "unsupported_media_type"
    )
    error_of(client.post(f"{API}/posts", json=["a"], headers=headers), 400)
    error_of(client.post(f"{API}/posts", data="{", content_type="application/json", headers=headers), 400)


def test_comments_are_listed_oldest_first_and_can_be_written(client, make, token_for):
    post = make.post()
    first = make.comment(post, body="نخستین نظر")
    reader = make.user()
    response = client.post(
        f"{API}/posts/{post.id}/comments", json={"body": "پاسخ من", "parent_id": first.id}, headers=token_for(reader)
    )
    assert response.status_code == 201
    assert response.get_json()["parent_id"] == first.id
    items = client.get(f"{API}/posts/{post.id}/comments").get_json()["items"]
    assert [item["body"] for item in items] == ["نخستین نظر", "پاسخ من"]
    page = client.get(f"{API}/posts/{post.id}/comments", query_string={"limit": 1}).get_json()
    assert page["next_cursor"] and len(page["items"]) == 1


def test_comment_errors(client, make, token_for):
    post = make.post()
    headers = token_for(make.user())
    error_of(client.post(f"{API}/posts/{post.id}/comments", json={"body": "x"}, headers=headers), 422)
    error = error_of(
        client.post(f"{API}/posts/{post.id}/comments", json={"body": "سلام", "parent_id": 999}, headers=headers), 422
    )
    assert "parent_id" in error["fields"]
    error_of(client.post(f"{API}/posts/999/comments", json={"body": "سلام"}, headers=headers), 404)
    author = make.user()
    pending = make.post(PostStatus.PENDING, author=author)
    error_of(client.post(f"{API}/posts/{pending.id}/comments", json={"body": "سلام"}, headers=token_for(author)), 403)


def test_staff_see_their_department_s_pending_posts_only(client, make, token_for):
    department = make.department()
    post = make.post(PostStatus.FORWARDED, category=make.category(department=department))
    hidden = make.post(PostStatus.PENDING)
    staff = make.user(Role.STAFF, department=department)
    assert client.get(f"{API}/posts/{post.id}", headers=token_for(staff)).status_code == 200
    assert client.get(f"{API}/posts/{hidden.id}", headers=token_for(staff)).status_code == 404
