"""Following a neighbourhood from the list, and an area drawn or typed, on the "things I follow" page."""

import re

import pytest

from app.accounts.models import Role
from app.alerts import services
from app.alerts.models import TopicFollow
from app.alerts.neighbourhoods import neighbourhood, neighbourhoods
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import Notification
from app.posts.models import PostStatus
from app.posts.places import is_in_city
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English (the messages below are English), chosen the way a visitor chooses it."""
    client.set_cookie("lang", "en")


def test_every_neighbourhood_is_a_circle_inside_the_city_that_a_resident_may_follow(app):
    places = neighbourhoods()
    assert len(places) >= 20 and len({p.key for p in places}) == len(places)
    for place in places:
        assert is_in_city(place.latitude, place.longitude), place.key
        assert services.RADIUS_MIN_M <= place.radius_m <= services.RADIUS_MAX_M, place.key
        assert place.name_fa and place.name_en


def test_following_a_neighbourhood_follows_its_circle_and_hears_of_posts_in_it(make):
    user = make.user()
    place = neighbourhood("ahmadabad")
    follow = services.follow_neighbourhood(user, "ahmadabad")
    assert (follow.latitude, follow.longitude, follow.radius_m, follow.place_key) == (
        place.latitude,
        place.longitude,
        place.radius_m,
        "ahmadabad",
    )
    db.session.commit()
    inside = make.post(PostStatus.PENDING, latitude=place.latitude + 0.001, longitude=place.longitude)
    elahieh = neighbourhood("elahieh")
    far = make.post(PostStatus.PENDING, latitude=elahieh.latitude, longitude=elahieh.longitude)
    moderator = make.user(Role.MODERATOR)
    workflow.transition(inside, "approve", moderator)
    workflow.transition(far, "approve", moderator)
    db.session.commit()
    notified = db.session.scalars(db.select(Notification.post_id).where(Notification.user_id == user.id)).all()
    assert notified == [inside.id]


@pytest.mark.parametrize("key", [None, "", "atlantis", "../etc"])
def test_a_neighbourhood_not_in_the_list_is_refused(make, key):
    with pytest.raises(services.FollowError) as refused:
        services.follow_neighbourhood(make.user(), key)
    assert refused.value.field == "place"


def test_the_same_neighbourhood_twice_is_refused(make):
    user = make.user()
    services.follow_neighbourhood(user, "sajjad")
    with pytest.raises(services.DomainConflictError):
        services.follow_neighbourhood(user, "sajjad")


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(36.29, 59.61, 0), (36.29, 59.61, -100), (36.29, 59.61, 10**9), (36.0, 59.61, 500), (36.29, 60.5, 500)],
)
def test_a_drawn_circle_of_no_size_huge_or_outside_the_city_is_refused(make, lat, lon, radius):
    with pytest.raises(services.FollowError):
        services.follow_area(make.user(), lat, lon, radius)


# --- the page ----------------------------------------------------------------------------------


def test_the_page_offers_the_neighbourhoods_and_a_map_to_draw_on(client, make, auth):
    auth.login(make.user())
    page = client.get("/following/").get_data(as_text=True)
    assert "Ahmadabad" in page and 'name="a-place"' in page
    assert 'data-map="circle"' in page and 'data-place-field="a-place"' in page


def test_a_neighbourhood_chosen_without_a_script_is_followed_and_listed_by_name(client, make, auth):
    user = make.user()
    auth.login(user)
    response = client.post("/following/area", data={"a-place": "vakilabad"})
    assert response.status_code == 302
    follow = db.session.scalar(db.select(TopicFollow))
    assert follow.place_key == "vakilabad" and follow.radius_m == neighbourhood("vakilabad").radius_m
    assert "Neighbourhood: Vakilabad" in client.get("/following/").get_data(as_text=True)


def test_a_circle_typed_in_persian_digits_is_followed(client, make, auth):
    auth.login(make.user())
    data = {"a-place": "", "a-latitude": "۳۶٫۲۹", "a-longitude": "۵۹٫۶۱", "a-radius_m": "۷۵۰"}
    assert client.post("/following/area", data=data).status_code == 302
    follow = db.session.scalar(db.select(TopicFollow))
    assert (follow.latitude, follow.longitude, follow.radius_m, follow.place_key) == (36.29, 59.61, 750, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"a-place": "atlantis"}, "Choose a neighbourhood from the list."),
        ({"a-latitude": "36.29", "a-longitude": "59.61", "a-radius_m": "0"}, "The radius must be"),
        ({"a-latitude": "36.29", "a-longitude": "59.61", "a-radius_m": "-300"}, "The radius must be"),
        ({"a-latitude": "36.29", "a-longitude": "59.61", "a-radius_m": "900000"}, "The radius must be"),
        ({"a-latitude": "35.69", "a-longitude": "51.39", "a-radius_m": "500"}, "inside the city"),
    ],
)
def test_odd_area_input_is_refused_with_a_message_and_kept(client, make, auth, data, message):
    auth.login(make.user())
    response = client.post("/following/area", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    for value in data.values():
        assert f'value="{value}"' in page or f'value="{value}" selected' in page or value == "atlantis"
    assert db.session.scalar(db.select(db.func.count()).select_from(TopicFollow)) == 0


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_following_a_neighbourhood_without_the_token_is_refused(self, client, make):
        user = make.user()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert client.post("/following/area", data={"a-place": "sajjad"}).status_code == 400
        assert db.session.scalar(db.select(db.func.count()).select_from(TopicFollow)) == 0
