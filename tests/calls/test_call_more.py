"""Calls with several categories, an image and an area: the service's rules and the pages."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from app.accounts.models import Role
from app.calls import images, services
from app.calls.models import Call
from app.core.db import utcnow
from app.extensions import db
from app.posts.models import Post
from app.posts.photos import PhotoError
from tests.factories import PASSWORD
from tests.posts.test_photos import image_bytes, jpeg_with_gps

IDEA = {
    "title": "نیمکت‌های سایه‌دار در پیاده‌رو",
    "body": "در هر صد متر یک نیمکت با سایه‌بان بگذارید تا سالمندان استراحت کنند.",
}
CENTRE = (36.2880, 59.6157)


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English (the messages below are English), chosen the way a visitor chooses it."""
    client.set_cookie("lang", "en")


def today():
    return (utcnow() + timedelta(hours=3, minutes=30)).date()


def open_with(make, *, categories=None, area=None, image=None, department=None):
    department = department or make.department()
    categories = categories if categories is not None else [make.category(department=department)]
    staff = make.user(Role.STAFF, department=department)
    call = services.open_call(
        staff,
        department=department,
        categories=categories,
        title="پیاده‌راه",
        question="چه؟",
        opens_on=today() - timedelta(days=1),
        closes_on=today() + timedelta(days=7),
        area=area,
        image=image,
    )
    db.session.commit()
    return call, staff


# --- the service -------------------------------------------------------------------------------


def test_a_call_takes_several_categories_and_its_ideas_are_filed_in_the_one_chosen(app, make):
    first, second = make.category(), make.category()
    call, _staff = open_with(make, categories=[second, first])
    assert {c.id for c in call.categories} == {first.id, second.id}
    post = services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"], category=second)
    assert post.category_id == second.id


def test_an_idea_must_name_one_of_the_calls_categories_when_there_are_several(app, make):
    first, second, elsewhere = make.category(), make.category(), make.category()
    call, _staff = open_with(make, categories=[first, second])
    for category in (None, elsewhere):
        with pytest.raises(services.CallError) as refused:
            services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"], category=category)
        assert refused.value.field == "category"
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_a_category_that_is_not_active_is_refused_when_opening_and_when_posting(app, make):
    active, retired = make.category(), make.category()
    retired.is_active = False
    db.session.commit()
    with pytest.raises(services.CallError):
        open_with(make, categories=[active, retired])
    call, _staff = open_with(make, categories=[active, make.category()])
    call.categories[0].is_active = False
    with pytest.raises(services.CallError):
        services.submit_idea(call, make.user(), title=IDEA["title"], body=IDEA["body"], category=call.categories[0])


def test_a_call_needs_at_least_one_category(app, make):
    with pytest.raises(services.CallError):
        open_with(make, categories=[])
    with pytest.raises(services.CallError):
        open_with(make, categories=[None])


@pytest.mark.parametrize("radius", [0, -50, 99, 15_001, 10**9])
def test_an_area_radius_outside_the_limits_is_refused(app, make, radius):
    with pytest.raises(services.CallError) as refused:
        open_with(make, area=services.Area(*CENTRE, radius))
    assert refused.value.field == "area_radius_m"


@pytest.mark.parametrize("centre", [(35.6892, 51.3890), (36.2880, 0.0), (float("nan"), 59.6)])
def test_an_area_centred_outside_the_city_is_refused(app, make, centre):
    with pytest.raises(services.CallError) as refused:
        open_with(make, area=services.Area(*centre, 1000))
    assert refused.value.field == "area_latitude"


def test_a_call_keeps_its_area(app, make):
    call, _staff = open_with(make, area=services.Area(36.2880123, 59.6157456, 1500))
    assert (call.area_latitude, call.area_longitude, call.area_radius_m) == (36.28801, 59.61575, 1500)
    assert call.has_area


def test_the_image_is_cleaned_of_its_metadata_resized_and_stored_apart_from_post_photos(app, make):
    call, _staff = open_with(make, image=images.store_image(io.BytesIO(jpeg_with_gps(size=(4000, 3000)))))
    path = images.path_of(call.image_key)
    assert path.parent.name == "calls" and path.is_file() and images.path_of(call.image_thumb_key).is_file()
    with Image.open(path) as stored:
        assert max(stored.size) <= app.config["PHOTO_MAX_SIDE"]
        assert not stored.getexif()
    assert call.image_content_type == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(app):
    with pytest.raises(PhotoError):
        images.store_image(io.BytesIO(b"<html><script>alert(1)</script></html>"))
    assert not (images.path_of("x").parent).exists()


# --- the pages ---------------------------------------------------------------------------------


def _form(category_ids, **changes):
    data = {
        "categories": category_ids,
        "title": "پیاده‌راه احمدآباد",
        "question": "چه چیزی پیاده‌روی را بهتر می‌کند؟",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-31",
    }
    return data | changes


def test_staff_open_a_call_with_two_categories_an_image_and_an_area(client, make, auth):
    department = make.department()
    first, second = make.category(department=department), make.category(department=department)
    auth.login(make.user(Role.STAFF, department=department))
    data = _form(
        [first.id, second.id],
        area_latitude="۳۶٫۲۸۸",
        area_longitude="59.6157",
        area_radius_m="۲۰۰۰",
        image=(io.BytesIO(image_bytes("PNG")), "plan.png"),
    )
    response = client.post("/calls/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    call = db.session.scalar(db.select(Call))
    assert [c.id for c in call.categories] == sorted([first.id, second.id])
    assert (call.area_latitude, call.area_radius_m) == (36.288, 2000)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert f"/calls/{call.id}/image/full" in page and 'data-map="area"' in page
    image = client.get(f"/calls/{call.id}/image/full")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    image.close()
    assert f"/calls/{call.id}/image/thumb" in client.get("/").get_data(as_text=True)  # the announcement


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"area_latitude": "36.29", "area_longitude": "59.6", "area_radius_m": "0"}, "The radius must be"),
        ({"area_latitude": "36.29", "area_longitude": "59.6", "area_radius_m": "-5"}, "The radius must be"),
        ({"area_latitude": "36.29", "area_longitude": "59.6", "area_radius_m": "99999999"}, "The radius must be"),
        ({"area_latitude": "35.69", "area_longitude": "51.39", "area_radius_m": "500"}, "inside the city"),
        ({"area_latitude": "36.29", "area_radius_m": "500"}, "leave all three empty"),
        ({"area_radius_m": "abc", "area_latitude": "36.29", "area_longitude": "59.6"}, "whole number of metres"),
        ({"image": (io.BytesIO(b"GIF89a not really"), "x.png")}, "not a photo"),
        ({"categories": []}, "Choose at least one category"),
    ],
)
def test_odd_area_image_or_categories_are_refused_and_the_text_is_kept(client, make, auth, changes, message):
    department = make.department()
    category = make.category(department=department)
    auth.login(make.user(Role.STAFF, department=department))
    response = client.post("/calls/new", data=_form([category.id], **changes), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "پیاده‌راه احمدآباد" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Call)) == 0


def test_an_image_sent_with_a_refused_form_is_kept_for_the_next_try(client, make, auth):
    department = make.department()
    category = make.category(department=department)
    auth.login(make.user(Role.STAFF, department=department))
    data = _form([category.id], title="", image=(io.BytesIO(image_bytes()), "plan.jpg"))
    refused = client.post("/calls/new", data=data, content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "The image you chose is kept" in page
    token = re.search(r'name="image_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/calls/new", data=_form([category.id], image_token=token)).status_code == 302
    call = db.session.scalar(db.select(Call))
    assert call.image_key and images.path_of(call.image_key).is_file()


def test_a_forged_or_someone_elses_image_token_is_ignored(client, make, auth):
    department = make.department()
    category = make.category(department=department)
    owner = make.user(Role.STAFF, department=department)
    with client.application.test_request_context():
        stored = images.store_image(io.BytesIO(image_bytes()))
        token = stored.token(owner)
    auth.login(make.user(Role.STAFF, department=department))
    for forged in (token, token[:-2] + "xx", "nonsense"):
        assert client.post("/calls/new", data=_form([category.id], image_token=forged)).status_code == 302
    assert all(call.image_key is None for call in db.session.scalars(db.select(Call)))


def test_a_retired_category_is_not_offered_and_is_refused(client, make, auth):
    department = make.department()
    retired = make.category(department=department, name_en="Old benches")
    retired.is_active = False
    db.session.commit()
    auth.login(make.user(Role.STAFF, department=department))
    assert "Old benches" not in client.get("/calls/new").get_data(as_text=True)
    response = client.post("/calls/new", data=_form([retired.id]))
    assert response.status_code == 422 and "Choose categories that take ideas." in response.get_data(as_text=True)


def test_the_idea_form_offers_the_calls_categories_only_and_opens_its_map_on_the_area(client, make, auth):
    first = make.category(name_en="Benches")
    second = make.category(name_en="Trees")
    make.category(name_en="Potholes")
    call, _staff = open_with(make, categories=[first, second], area=services.Area(*CENTRE, 800))
    auth.login(make.user())
    page = client.get(f"/calls/{call.id}/ideas/new").get_data(as_text=True)
    assert "Benches" in page and "Trees" in page and "Potholes" not in page
    assert 'data-area-radius="800"' in page
    response = client.post(
        f"/calls/{call.id}/ideas/new",
        data=IDEA | {"category": str(second.id), "latitude": "36.289", "longitude": "59.616"},
    )
    assert response.status_code == 302
    post = db.session.scalar(db.select(Post))
    assert post.category_id == second.id and post.latitude == 36.289


def test_an_idea_with_no_category_or_another_calls_category_is_refused_and_kept(client, make, auth):
    call, _staff = open_with(make, categories=[make.category(), make.category()])
    other_call, _other_staff = open_with(make)
    auth.login(make.user())
    for category in ("", str(other_call.categories[0].id), "abc"):
        response = client.post(f"/calls/{call.id}/ideas/new", data=IDEA | {"category": category})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "Choose" in page and IDEA["title"] in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_a_call_without_an_image_has_no_image_to_serve(client, make):
    call, _staff = open_with(make)
    assert client.get(f"/calls/{call.id}/image/full").status_code == 404
    assert client.get(f"/calls/{call.id}/image/other").status_code == 404
    assert client.get("/calls/99999/image/thumb").status_code == 404


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_opening_a_call_without_the_token_is_refused(self, client, make):
        department = make.department()
        category = make.category(department=department)
        user = make.user(Role.STAFF, department=department)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        data = _form([category.id], area_latitude="36.29", area_longitude="59.6", area_radius_m="500")
        assert client.post("/calls/new", data=data).status_code == 400
        assert db.session.scalar(db.select(db.func.count()).select_from(Call)) == 0
