"""The access matrix, role by role, through the routes (the server decides, not hidden buttons)."""

import pytest

from app.accounts.models import Role
from app.posts.models import PostStatus

ROLES = ["visitor", "resident", "author", "moderator", "staff", "admin", "blocked"]


@pytest.fixture
def actor(make, auth):
    """Sign in as the named role; returns a function so each test picks its role and post."""

    def sign_in(role: str, post):
        if role == "visitor":
            return None
        if role == "author":
            user = post.author
        elif role == "blocked":
            user = make.user(is_blocked=True)
        else:
            user = make.user(Role(role))
        auth.login(user)
        return user

    return sign_in


# Expected status code for: view a pending post, edit it, approve it.
PENDING_MATRIX = {
    "visitor": (404, 302, 401),
    "resident": (404, 404, 404),
    "author": (200, 200, 403),
    "moderator": (200, 403, 302),
    "staff": (404, 404, 404),
    "admin": (200, 403, 302),
    "blocked": (404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_pending_post_access(client, make, actor, role):
    post = make.post(PostStatus.PENDING)
    actor(role, post)
    view, edit, approve = PENDING_MATRIX[role]
    assert client.get(f"/posts/{post.id}").status_code == view
    assert client.get(f"/posts/{post.id}/edit").status_code == edit
    assert client.post(f"/moderation/posts/{post.id}/transition", data={"action": "approve"}).status_code == approve


# Expected status code for: view a published post, vote on it, comment on it, open the moderation queue.
PUBLISHED_MATRIX = {
    "visitor": (200, 401, 401, 302),
    "resident": (200, 302, 302, 403),
    "author": (200, 302, 302, 403),  # the vote is refused with a message, not an error page
    "moderator": (200, 302, 302, 200),
    "staff": (200, 302, 302, 403),
    "admin": (200, 302, 302, 200),
    "blocked": (200, 302, 403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_published_post_access(client, make, actor, role):
    post = make.post()
    actor(role, post)
    view, vote, comment, queue = PUBLISHED_MATRIX[role]
    assert client.get(f"/posts/{post.id}").status_code == view
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == vote
    assert client.post(f"/posts/{post.id}/comments", data={"body": "دیدگاهی برای آزمون"}).status_code == comment
    assert client.get("/moderation/").status_code == queue


def test_staff_see_forwarded_posts_of_their_department_only(client, make, auth):
    post = make.post(PostStatus.FORWARDED)
    own = make.user(Role.STAFF, department=post.department)
    other = make.user(Role.STAFF)
    auth.login(other)
    start = {"action": "start"}
    assert client.post(f"/moderation/posts/{post.id}/transition", data=start).status_code == 403
    auth.logout()
    auth.login(own)
    assert client.post(f"/moderation/posts/{post.id}/transition", data=start).status_code == 302


@pytest.mark.parametrize(
    ("role", "status", "action", "code"),
    [
        (Role.MODERATOR, PostStatus.PENDING, "approve", 404),  # like a resident, no longer sees pending posts
        (Role.STAFF, PostStatus.FORWARDED, "start", 403),
    ],
)
def test_a_blocked_moderator_or_staff_member_makes_no_moves(client, make, auth, role, status, action, code):
    post = make.post(status)
    user = make.user(role, department=post.department if role is Role.STAFF else None, is_blocked=True)
    auth.login(user)
    assert client.post(f"/moderation/posts/{post.id}/transition", data={"action": action}).status_code == code
    assert post.status is status


def test_a_blocked_moderator_rejecting_or_deciding_in_bulk_is_refused_not_an_error(client, make, auth):
    post = make.post(PostStatus.PENDING)
    auth.login(make.user(Role.MODERATOR, is_blocked=True))
    assert client.post(f"/moderation/posts/{post.id}/reject", data={"note": "نه"}).status_code == 403
    bulk = {"action": "approve", "post_ids": [str(post.id)]}
    assert client.post("/moderation/bulk", data=bulk).status_code == 403
    assert post.status is PostStatus.PENDING


def test_a_blocked_moderator_keeps_no_moderation_powers(client, make, auth):
    flagged, resident = make.post(), make.user()
    auth.login(make.user(Role.MODERATOR, is_blocked=True))
    assert client.get("/moderation/").status_code == 403
    assert client.get("/moderation/flags").status_code == 403
    assert client.post(f"/moderation/posts/{flagged.id}/flags/decide", data={"decision": "uphold"}).status_code == 403
    assert client.post(f"/moderation/users/{resident.id}/block", data={"reason": "هرزنامه"}).status_code == 403
    assert client.post(f"/moderation/posts/{flagged.id}/title", data={"title": "عنوانی تازه و روشن"}).status_code == 403
    assert not flagged.is_hidden and not resident.is_blocked


def test_a_blocked_staff_member_no_longer_works_the_department_queue(client, make, auth):
    post = make.post(PostStatus.FORWARDED)
    auth.login(make.user(Role.STAFF, department=post.department, is_blocked=True))
    assert client.get(f"/departments/{post.department.slug}").status_code == 403
    assert client.get(f"/departments/{post.department.slug}/templates").status_code == 403
    export = f"/departments/{post.department.slug}/export.csv?start=1405-01-01&end=1405-12-29"
    assert client.get(export).status_code == 403
