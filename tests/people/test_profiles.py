"""Public profiles: what they show, what they never show, and the resident's choice to hide them."""

import pytest

from app.accounts.models import Role
from app.calls import services as calls
from app.extensions import db
from app.fixes import services as fixes
from app.moderation import workflow
from app.people import services
from app.posts import votes
from app.posts.models import PostStatus
from tests.calls.conftest import close


def test_a_profile_shows_published_posts_resolved_and_confirmed_problems_and_ideas_taken_up(client, make, open_call):
    author = make.user(display_name="زهرا کریمی")
    published = make.post(author=author, title="پیاده‌روی ناهموار در بلوار سجاد")
    pending = make.post(PostStatus.PENDING, author=author, title="نوشته‌ای که هنوز بررسی نشده")
    resolved = make.post(PostStatus.RESOLVED, author=author, title="چراغ خاموش کوچه‌ی بهار")
    fixes.confirm_fix(resolved, author)
    call, staff = open_call()
    idea = calls.submit_idea(
        call, author, title="نیمکت‌های سایه‌دار در پیاده‌رو", body="در هر بلوک یک نیمکت سایه‌دار بگذارید."
    )
    workflow.transition(idea, "approve", make.user(Role.MODERATOR))
    voted_on = make.post(title="نوشته‌ای که زهرا به آن رأی داد")
    votes.cast_vote(author, voted_on, votes.SUPPORT)
    db.session.commit()
    close(call)
    calls.publish_outcome(call, staff, "پذیرفته شد", [calls.Decision(idea.id, True, "")])
    db.session.commit()
    client.set_cookie("lang", "en")  # this browser chose English
    page = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert "زهرا کریمی" in page and "Member since" in page
    assert published.title in page and resolved.title in page and "Fix confirmed by residents" in page
    assert idea.title in page.split('class="list-unstyled profile-taken-up"')[1]
    assert pending.title not in page
    assert voted_on.title not in page  # votes are never listed
    assert author.email not in page


def test_a_resolved_problem_nobody_confirmed_is_not_marked_confirmed(make):
    author = make.user()
    make.post(PostStatus.RESOLVED, author=author)
    ((_post, confirmed),) = services.profile_of(author).resolved
    assert confirmed is False


def test_a_private_profile_is_not_found_except_by_its_owner(client, make, auth):
    user = make.user()
    post = make.post(author=user)
    auth.login(user)
    assert client.post("/people/me/privacy", data={}).status_code == 302  # the box unticked: private
    assert services.is_profile_public(user) is False
    client.set_cookie("lang", "en")  # this browser chose English
    assert "only you see this page" in client.get(f"/people/{user.id}").get_data(as_text=True)
    auth.logout()
    assert client.get(f"/people/{user.id}").status_code == 404
    auth.login(make.user())
    assert client.get(f"/people/{user.id}").status_code == 404
    assert f"/people/{user.id}" not in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_profiles_are_public_by_default_and_linked_from_posts(client, make):
    post = make.post()
    assert client.get(f"/people/{post.author_id}").status_code == 200
    assert f"/people/{post.author_id}" in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_making_a_profile_public_again(client, make, auth):
    user = make.user()
    services.set_profile_public(user, False)
    db.session.commit()
    auth.login(user)
    assert client.post("/people/me/privacy", data={"is_public": "y"}).status_code == 302
    auth.logout()
    assert client.get(f"/people/{user.id}").status_code == 200


@pytest.mark.parametrize("path", ["/people/0", "/people/999999", "/people/abc"])
def test_unknown_people_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_privacy_page_needs_signing_in(client):
    assert client.get("/people/me/privacy").status_code == 302
    assert client.post("/people/me/privacy", data={"is_public": "y"}).status_code == 401


def test_there_is_no_leaderboard(client, make):
    assert client.get("/people/").status_code == 404
