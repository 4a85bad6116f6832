"""Locations: inside the city or refused, both coordinates or neither, typed in any digits."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.posts.models import Post, PostKind, PostStatus
from app.posts.services import PostingError, edit_post, submit_post

TITLE = "چاله‌ی بزرگ وسط خیابان"
BODY = "یک چاله‌ی عمیق وسط خیابان است که شب‌ها دیده نمی‌شود."
SHRINE = (36.2880, 59.6157)  # the Holy Shrine, in the heart of Mashhad


def _submit(make, **fields):
    return submit_post(make.user(), kind=PostKind.PROBLEM, title=TITLE, body=BODY, category=make.category(), **fields)


def test_a_problem_can_carry_a_location_in_the_city(make):
    post = _submit(make, latitude=SHRINE[0], longitude=SHRINE[1], address="حرم مطهر")
    assert post.has_location and (post.latitude, post.longitude) == SHRINE


def test_coordinates_are_rounded_to_a_sensible_precision(make):
    post = _submit(make, latitude=36.28801234567, longitude=59.61571234567)
    assert (post.latitude, post.longitude) == (36.288012, 59.615712)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (35.6892, 51.3890),  # Tehran
        (36.2880, 60.5),
        (90.0, 59.6),
        (-36.2880, 59.6157),
        (float("nan"), 59.6),
        (36.3, float("inf")),
    ],
)
def test_a_location_outside_the_city_is_refused_with_a_clear_message(make, latitude, longitude):
    with pytest.raises(PostingError) as error:
        _submit(make, latitude=latitude, longitude=longitude)
    assert error.value.field == "latitude"
    assert "Mashhad" in str(error.value) or "مشهد" in str(error.value)


@pytest.mark.parametrize(("latitude", "longitude"), [(SHRINE[0], None), (None, SHRINE[1])])
def test_half_a_location_is_refused(make, latitude, longitude):
    with pytest.raises(PostingError) as error:
        _submit(make, latitude=latitude, longitude=longitude)
    assert error.value.field == "latitude"


def test_the_city_bounds_are_a_setting(app, make):
    app.config["MAP_CITY_BOUNDS"] = [35.5, 51.0, 35.9, 51.7]  # Tehran
    post = _submit(make, latitude=35.6892, longitude=51.3890)
    assert post.has_location


def test_an_author_can_move_or_remove_the_location_while_pending(make):
    post = _submit(make, latitude=SHRINE[0], longitude=SHRINE[1])
    edit_post(post, title=TITLE, body=BODY, category=post.category, latitude=36.3216, longitude=59.5315)
    assert (post.latitude, post.longitude) == (36.3216, 59.5315)
    edit_post(post, title=TITLE, body=BODY, category=post.category)
    assert not post.has_location


def test_an_edit_cannot_move_a_post_out_of_the_city(make):
    post = _submit(make, latitude=SHRINE[0], longitude=SHRINE[1])
    with pytest.raises(PostingError):
        edit_post(post, title=TITLE, body=BODY, category=post.category, latitude=35.0, longitude=51.0)


# Through the form: Persian digits, no map, and errors that keep what was typed.


def _form(category, **fields):
    return {"kind": "problem", "title": TITLE, "body": BODY, "category": category.id, **fields}


def test_the_address_path_needs_no_map(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post("/posts/new", data=_form(category, address="بلوار سجاد، نبش بزرگمهر"))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    post = db.session.scalars(db.select(Post)).one()
    assert post.address == "بلوار سجاد، نبش بزرگمهر" and not post.has_location


def test_coordinates_typed_in_persian_digits_are_understood(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post("/posts/new", data=_form(category, latitude="۳۶٫۲۸۸۰", longitude="٥٩٫٦١٥٧"))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    post = db.session.scalars(db.select(Post)).one()
    assert (post.latitude, post.longitude) == SHRINE


def test_a_location_outside_the_city_is_refused_and_everything_typed_is_kept(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post(
        "/posts/new", data=_form(category, address="تهران، میدان آزادی", latitude="۳۵٫۶۹۹۷", longitude="۵۱٫۳۳۸۰")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "این محل بیرون از مشهد است" in html
    assert 'value="۳۵٫۶۹۹۷"' in html and 'value="۵۱٫۳۳۸۰"' in html and "تهران، میدان آزادی" in html
    assert 'aria-describedby="location-error"' in html
    db.session.rollback()  # see what the request committed in its own session
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_coordinates_that_are_not_numbers_get_a_message(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post("/posts/new", data=_form(category, latitude="شمال شهر", longitude="59.6"))
    assert response.status_code == 422
    assert "عرض جغرافیایی را به صورت عدد بنویسید" in response.get_data(as_text=True)


def test_a_posts_page_shows_its_location(client, make):
    post = make.post(PostStatus.PUBLISHED, latitude=SHRINE[0], longitude=SHRINE[1], address="حرم مطهر")
    html = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "حرم مطهر" in html
    assert "۳۶٫۲۸۸۰۰" in html and "۵۹٫۶۱۵۷۰" in html  # coordinates in Persian digits
    assert 'data-map="spot"' in html and 'data-lat="36.288"' in html


def test_the_edit_form_shows_the_saved_location(client, make, auth):
    author = make.user()
    post = make.post(PostStatus.PENDING, author=author, latitude=SHRINE[0], longitude=SHRINE[1])
    auth.login(author)
    html = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert 'value="36.288"' in html and 'value="59.6157"' in html


def test_a_bad_location_is_reported_in_the_same_round_as_other_mistakes(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post("/posts/new", data=_form(category, title="کوتاه", latitude="35.7", longitude="51.3"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "عنوان باید بین ۸ تا ۱۵۰ نویسه باشد." in html and "این محل بیرون از مشهد است" in html
