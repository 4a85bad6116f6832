"""Follows of a category, a department or an area: who hears of a new post, and the page that lists them."""

import re

import pytest

from app.accounts.models import Role
from app.alerts import services
from app.alerts.models import TopicFollow
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import Notification, NotificationKind
from app.posts import follows
from app.posts.models import Post, PostStatus
from tests.factories import PASSWORD

SHRINE = (36.2880, 59.6157)


def _alerts(user) -> list[Notification]:
    return list(
        db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == NotificationKind.FOLLOWED_TOPIC
            )
        )
    )


def _publish(make, **fields) -> Post:
    post = make.post(PostStatus.PENDING, **fields)
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    return post


def test_followers_of_a_category_hear_of_a_new_published_post_and_not_before(make):
    category = make.category()
    follower, other = make.user(), make.user()
    services.follow_category(follower, category)
    db.session.commit()
    pending = make.post(PostStatus.PENDING, category=category)
    assert _alerts(follower) == []  # waiting for moderation is not news
    workflow.transition(pending, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    assert [n.post_id for n in _alerts(follower)] == [pending.id]
    assert _alerts(other) == []


@pytest.mark.parametrize(("metres_north", "heard"), [(0, True), (450, True), (550, False), (5000, False)])
def test_area_followers_hear_of_posts_within_their_circle_only(make, metres_north, heard):
    follower = make.user()
    services.follow_area(follower, *SHRINE, 500)
    db.session.commit()
    latitude = SHRINE[0] + metres_north / 111_195  # one degree of latitude is about 111.2 km
    _publish(make, latitude=latitude, longitude=SHRINE[1], address="نزدیک حرم")
    assert bool(_alerts(follower)) is heard


def test_a_post_without_a_place_reaches_no_area(make):
    follower = make.user()
    services.follow_area(follower, *SHRINE, 5000)
    db.session.commit()
    _publish(make)
    assert _alerts(follower) == []


def test_department_followers_hear_when_a_post_is_forwarded_to_it(make):
    post = make.post(PostStatus.PUBLISHED)
    follower = make.user()
    services.follow_department(follower, post.category.default_department)
    db.session.commit()
    workflow.transition(post, "forward", make.user(Role.MODERATOR))
    db.session.commit()
    assert [n.extra["topic"] for n in _alerts(follower)] == ["department"]


def test_one_alert_per_post_even_when_two_follows_match_and_none_for_the_author(make):
    category = make.category()
    follower = make.user()
    services.follow_category(follower, category)
    services.follow_area(follower, *SHRINE, 1000)
    author = make.user()
    services.follow_category(author, category)
    db.session.commit()
    _publish(make, category=category, author=author, latitude=SHRINE[0], longitude=SHRINE[1], address="حرم")
    assert len(_alerts(follower)) == 1
    assert _alerts(author) == []


def test_those_following_the_post_itself_are_not_told_twice(make):
    category = make.category()
    follower = make.user()
    services.follow_category(follower, category)
    post = make.post(PostStatus.PENDING, category=category)
    follows.follow_post(follower, post)
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    assert _alerts(follower) == []


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(None, 59.6, 500), (35.0, 51.4, 500), (36.29, 59.61, 50), (36.29, 59.61, 5001), (36.29, 59.61, None)],
)
def test_an_area_outside_the_city_or_of_odd_size_is_refused(make, lat, lon, radius):
    with pytest.raises(services.FollowError):
        services.follow_area(make.user(), lat, lon, radius)


def test_following_the_same_thing_twice_is_refused(make):
    category, user = make.category(), make.user()
    services.follow_category(user, category)
    with pytest.raises(services.DomainConflictError):
        services.follow_category(user, category)


# The page


def test_the_page_lists_every_follow_and_unfollows_in_one_click(client, make, auth):
    user = make.user()
    category = make.category(name_fa="روشنایی معابر")
    post = make.post()
    follows.follow_post(user, post)
    db.session.commit()
    auth.login(user)
    assert client.post("/following/category", data={"c-category": category.id}).status_code == 302
    assert (
        client.post(
            "/following/area", data={"a-latitude": "۳۶٫۲۸۸", "a-longitude": "59.6157", "a-radius_m": "۵۰۰"}
        ).status_code
        == 302
    )
    page = client.get("/following/").get_data(as_text=True)
    assert "روشنایی معابر" in page and post.title in page and "۵۰۰" in page
    follow_id = db.session.scalars(db.select(TopicFollow.id).where(TopicFollow.category_id == category.id)).one()
    assert client.post(f"/following/{follow_id}/unfollow").status_code == 302
    assert db.session.scalars(db.select(TopicFollow.category_id)).all() == [None]  # the area remains
    assert client.post(f"/posts/{post.id}/follow", data={"action": "unfollow"}).status_code == 302
    assert not follows.is_following(user, post)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/following/category", {}),
        ("/following/category", {"c-category": "abc"}),
        ("/following/category", {"c-category": "99999"}),
        ("/following/department", {"d-department": "99999"}),
        ("/following/area", {"a-latitude": "x", "a-longitude": "59.6", "a-radius_m": "500"}),
        ("/following/area", {"a-latitude": "36.29", "a-longitude": "59.61", "a-radius_m": "1e9"}),
        ("/following/area", {"a-latitude": "36.29", "a-longitude": "59.61", "a-radius_m": "99999999999999999999"}),
    ],
)
def test_odd_input_is_refused_on_the_page(client, make, auth, path, data):
    auth.login(make.user())
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert "followed-topics" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(TopicFollow)) == 0


def test_someone_elses_follow_cannot_be_removed(client, make, auth):
    owner = make.user()
    follow = services.follow_category(owner, make.category())
    db.session.commit()
    auth.login(make.user())
    assert client.post(f"/following/{follow.id}/unfollow").status_code == 404
    assert db.session.get(TopicFollow, follow.id) is not None


ROLES = ["visitor", "resident", "moderator", "staff", "admin", "blocked"]
MATRIX = {  # the page, adding a category follow
    "visitor": (302, 401),
    "resident": (200, 302),
    "moderator": (200, 302),
    "staff": (200, 302),
    "admin": (200, 302),
    "blocked": (200, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_follow(client, make, auth, role):
    category = make.category()
    if role == "blocked":
        auth.login(make.user(is_blocked=True))
    elif role != "visitor":
        auth.login(make.user(Role(role), department=make.department() if role == "staff" else None))
    page, add = MATRIX[role]
    assert client.get("/following/").status_code == page
    assert client.post("/following/category", data={"c-category": category.id}).status_code == add


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_unfollow_without_the_token_changes_nothing(self, client, make):
        user = make.user()
        follow = services.follow_category(user, make.category())
        db.session.commit()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert client.post(f"/following/{follow.id}/unfollow").status_code == 400
        assert db.session.get(TopicFollow, follow.id) is not None
