"""A department's work: its queue and filters, official responses from templates, notes, assignment."""

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.departments.models import Assignment, InternalNote
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts.models import Post, PostStatus


@pytest.fixture
def department(make):
    return make.department()


@pytest.fixture
def staff(make, auth, department):
    user = make.user(Role.STAFF, department=department)
    auth.login(user)
    return user


def _forwarded(make, department, title, support=0, **fields):
    post = make.post(PostStatus.FORWARDED, category=make.category(department=department), title=title, **fields)
    if support:
        make.supporters(post, support)
    return post


def test_my_department_leads_staff_to_their_queue(client, staff, department):
    response = client.get("/departments/mine")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/departments/{department.slug}")


def test_residents_have_no_department(client, auth, make):
    auth.login(make.user())
    assert client.get("/departments/mine").status_code == 403


def test_the_queue_is_sorted_by_support_by_default_and_by_age_or_activity_on_request(client, make, staff, department):
    popular = _forwarded(make, department, "پست پرطرفدار این اداره", support=5)
    old = _forwarded(make, department, "پست قدیمی این اداره")
    old.created_at = utcnow() - timedelta(days=40)
    busy = _forwarded(make, department, "پست پرتحرک این اداره")
    busy.last_activity_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    _forwarded(make, make.department(), "پست اداره‌ی دیگر")

    def order(query=""):
        page = client.get(f"/departments/{department.slug}{query}").get_data(as_text=True)
        assert "پست اداره‌ی دیگر" not in page
        return sorted((page.index(p.title), p.id) for p in (popular, old, busy))[0][1]

    assert order() == popular.id
    assert order("?sort=age") == old.id
    assert order("?sort=activity") == busy.id


def test_distance_order_needs_a_point_and_puts_the_nearest_first(client, make, staff, department):
    far = _forwarded(make, department, "پست دور از نقطه", latitude=36.25, longitude=59.70)
    near = _forwarded(make, department, "پست نزدیک به نقطه", latitude=36.3216, longitude=59.5315)
    _forwarded(make, department, "پست بدون مکان مشخص")
    page = client.get(f"/departments/{department.slug}?sort=distance&lat=36.32&lon=59.53").get_data(as_text=True)
    assert page.index("پست نزدیک") < page.index("پست دور") < page.index("پست بدون مکان")
    assert near.id and far.id
    response = client.get(f"/departments/{department.slug}?sort=distance")
    assert response.status_code == 400  # no point: a message, and the default view


def test_the_point_is_the_devices_location_or_a_map_pick_and_typed_coordinates_remain_without_script(
    client, make, staff, department
):
    page = client.get(f"/departments/{department.slug}").get_data(as_text=True)
    assert 'data-action="near-me"' in page and 'data-map="picker"' in page  # shown by the script
    assert '<details class="coordinates mt-1">' in page  # typed coordinates, folded away
    page = client.get(f"/departments/{department.slug}?sort=distance&lat=abc&lon=59.5").get_data(as_text=True)
    assert '<details class="coordinates mt-1" open>' in page  # open on an error, with what was typed
    assert 'value="abc"' in page and 'value="59.5"' in page and "is-invalid" in page


@pytest.mark.parametrize(
    "query",
    [
        "?lat=abc&lon=1&sort=distance",
        "?lat=95&lon=10&sort=distance",
        "?status=nonsense",
        "?category=abc",
        "?age=nope",
        "?page=-3",
        "?sort=sideways",
        "?age=%20",
        "?sort=%20",
        "?age=%20&sort=%20age%20",
        "?status=%20&location=%20&assignee=%20",
    ],
)
def test_bad_filters_never_break_the_page(client, make, staff, department, query):
    _forwarded(make, department, "پست برای آزمون فیلترها")
    response = client.get(f"/departments/{department.slug}{query}")
    assert response.status_code in (200, 400)
    assert "پست برای آزمون فیلترها" in response.get_data(as_text=True)


def test_the_queue_search_uses_the_search_index_so_persian_spellings_meet(client, make, staff, department):
    _forwarded(make, department, "کوچه‌ی تاریک پشت بیمارستان")
    _forwarded(make, department, "آسفالت خراب در بلوار سجاد")
    other = make.department()
    _forwarded(make, other, "کوچه‌ی تاریک دیگری در شهر")
    # Arabic kaf and yeh, as many keyboards type them: SQL LIKE found nothing, the analyzer normalises them.
    page = client.get(f"/departments/{department.slug}?q=كوچه تاريك").get_data(as_text=True)
    assert "پشت بیمارستان" in page and "آسفالت" not in page and "دیگری" not in page


def test_filters_and_search_narrow_the_queue(client, make, staff, department):
    located = _forwarded(make, department, "چراغ خاموش در پارک ملت", latitude=36.32, longitude=59.53)
    _forwarded(make, department, "آسفالت خراب در بلوار سجاد")
    in_progress = _forwarded(make, department, "جدول شکسته در خیابان دانشگاه")
    workflow.transition(in_progress, "start", staff)
    db.session.commit()

    def titles(query):
        return client.get(f"/departments/{department.slug}{query}").get_data(as_text=True)

    assert "چراغ خاموش" in titles("?q=چراغ") and "آسفالت" not in titles("?q=چراغ")
    assert "آسفالت" in titles("?q=بلوار") and "چراغ خاموش" not in titles("?q=بلوار")
    assert "چراغ خاموش" in titles("?location=yes") and "آسفالت" not in titles("?location=yes")
    assert "جدول شکسته" in titles("?status=in_progress") and "آسفالت" not in titles("?status=in_progress")
    assert "چراغ خاموش" in titles(f"?category={located.category_id}") and "آسفالت" not in titles(
        f"?category={located.category_id}"
    )
    assert "چراغ خاموش" not in titles("?age=30")


def test_a_response_from_a_template_appears_on_the_public_timeline_as_official(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    template = make.response_template(department, "acknowledge", body="گزارش شما به اکیپ منطقه سپرده شد.")
    response = client.post(
        f"/departments/posts/{post.id}/respond", data={"action": "acknowledge", "template": template.id}
    )
    assert response.status_code == 302
    change = db.session.query(StatusChange).filter_by(post_id=post.id, action="acknowledge").one()
    assert change.is_official and change.note == "گزارش شما به اکیپ منطقه سپرده شد."
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "timeline-item official" in page and "گزارش شما به اکیپ منطقه سپرده شد." in page


def test_the_response_forms_come_from_their_fields_with_the_templates_text_for_the_script(
    client, make, staff, department
):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    template = make.response_template(department, "acknowledge", body="گزارش شما به اکیپ منطقه سپرده شد.")
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    select = page[page.index('id="template-acknowledge"') :].split("</select>")[0]
    assert 'data-fills="note-acknowledge"' in page and 'data-body="گزارش شما به اکیپ منطقه سپرده شد."' in select
    assert f'value="{template.id}"' in select
    for action in ("acknowledge", "hand_back"):
        assert 'maxlength="2000"' in page[page.index(f'id="note-{action}"') :].split(">")[0]


def test_typed_words_win_over_the_template(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    template = make.response_template(department, "resolve")
    client.post(
        f"/departments/posts/{post.id}/respond",
        data={"action": "resolve", "template": template.id, "note": "لامپ عوض شد."},
    )
    assert db.session.query(StatusChange).filter_by(action="resolve").one().note == "لامپ عوض شد."


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"action": "resolve"}, 409),  # a resolution needs a public note
        ({"action": "fly"}, 422),
        ({"action": ""}, 422),
        ({"action": "resolve", "template": "999999"}, 409),
        ({"action": "resolve", "note": "x" * 2001}, 422),
    ],
)
def test_bad_responses_are_refused_and_keep_the_post_as_it_was(client, make, staff, department, data, code):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    response = client.post(f"/departments/posts/{post.id}/respond", data=data)
    assert response.status_code == code
    assert db.session.get(Post, post.id).status is PostStatus.FORWARDED


def test_a_template_for_another_action_cannot_be_used(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    template = make.response_template(department, "decline")
    response = client.post(f"/departments/posts/{post.id}/respond", data={"action": "resolve", "template": template.id})
    assert response.status_code == 422


def test_handing_back_returns_the_post_to_moderators_with_the_reason(client, make, staff, department):
    post = _forwarded(make, department, "این مربوط به آب و فاضلاب است")
    response = client.post(
        f"/departments/posts/{post.id}/respond", data={"action": "hand_back", "note": "مربوط به شرکت آب"}
    )
    assert response.status_code == 302
    post = db.session.get(Post, post.id)
    assert post.status is PostStatus.PUBLISHED and post.department_id is None
    change = db.session.query(StatusChange).filter_by(action="hand_back").one()
    assert change.department_id == department.id and change.note == "مربوط به شرکت آب"


def test_internal_notes_are_for_staff_and_moderators_only(client, auth, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    assert client.post(f"/departments/posts/{post.id}/notes", data={"body": "پیمانکار فردا می‌رود"}).status_code == 302
    assert "پیمانکار فردا می‌رود" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    auth.logout()
    assert "پیمانکار فردا می‌رود" not in client.get(f"/posts/{post.id}").get_data(as_text=True)
    auth.login(post.author)
    assert "پیمانکار فردا می‌رود" not in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert client.post(f"/departments/posts/{post.id}/notes", data={"body": "من هم"}).status_code == 403
    auth.logout()
    auth.login(make.user(Role.MODERATOR))
    assert "پیمانکار فردا می‌رود" in client.get(f"/posts/{post.id}").get_data(as_text=True)


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_empty_or_long_internal_notes_are_refused(client, make, staff, department, body):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    assert client.post(f"/departments/posts/{post.id}/notes", data={"body": body}).status_code == 422
    assert db.session.query(InternalNote).count() == 0


def test_assigning_and_unassigning_a_staff_member(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    colleague = make.user(Role.STAFF, department=department, display_name="همکار بخش")
    assert client.post(f"/departments/posts/{post.id}/assign", data={"assignee": colleague.id}).status_code == 302
    assert db.session.get(Assignment, post.id).assignee_id == colleague.id
    page = client.get(f"/departments/{department.slug}?assignee=none").get_data(as_text=True)
    assert "لامپ سوخته" not in page
    assert client.post(f"/departments/posts/{post.id}/assign", data={"assignee": ""}).status_code == 302
    assert db.session.get(Assignment, post.id) is None


def test_the_assign_form_comes_from_its_field_with_the_assignee_chosen(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    colleague = make.user(Role.STAFF, department=department, display_name="همکار بخش")
    client.post(f"/departments/posts/{post.id}/assign", data={"assignee": colleague.id})
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    start = page.index('<select class="form-select form-select-sm" dir="auto" id="assignee"')
    select = page[start:].split("</select>")[0]
    assert f'<option selected value="{colleague.id}">همکار بخش</option>' in select
    assert f'<option value="{staff.id}">{staff.display_name} (' in select  # the viewer, marked as "me"


@pytest.mark.parametrize("assignee", ["abc", "999999"])
def test_assigning_to_nobody_known_is_refused(client, make, staff, department, assignee):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    assert client.post(f"/departments/posts/{post.id}/assign", data={"assignee": assignee}).status_code == 422


def test_assigning_a_resident_is_refused(client, make, staff, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    assert client.post(f"/departments/posts/{post.id}/assign", data={"assignee": make.user().id}).status_code == 422


def test_a_hand_back_ends_the_assignment(make, department):
    post = _forwarded(make, department, "لامپ سوخته در کوچه")
    member = make.user(Role.STAFF, department=department)
    from app.departments import services

    services.assign_post(post, member, member)
    workflow.transition(post, "hand_back", member, note="مال ما نیست")
    db.session.commit()
    assert db.session.get(Assignment, post.id) is None


def test_response_templates_are_managed_by_the_departments_staff(client, make, staff, department):
    response = client.post(
        f"/departments/{department.slug}/templates/new",
        data={"action": "resolve", "title": "برطرف شد", "body": "مشکل برطرف شد.", "position": "1", "is_active": "y"},
    )
    assert response.status_code == 302
    page = client.get(f"/departments/{department.slug}/templates").get_data(as_text=True)
    assert "برطرف شد" in page
    bad = client.post(
        f"/departments/{department.slug}/templates/new",
        data={"action": "teleport", "title": "", "body": "", "position": "x"},
    )
    assert bad.status_code == 422


def test_the_queue_pages_keep_the_filters(client, make, app, staff, department):
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(3):
        _forwarded(make, department, f"پست شماره‌ی {number} برای صفحه‌بندی")
    page = client.get(f"/departments/{department.slug}?sort=age&q=صفحه").get_data(as_text=True)
    assert f"/departments/{department.slug}?" in page and "page=2" in page and "sort=age" in page
    assert client.get(f"/departments/{department.slug}?sort=age&page=2").status_code == 200


@pytest.mark.parametrize("point", ["lat=NaN&lon=1", "lat=inf&lon=1", "lat=1&lon=-inf", "lat=1e999&lon=2"])
def test_a_point_that_is_not_a_number_is_refused_politely(client, make, staff, department, point):
    _forwarded(make, department, "پست برای آزمون نقطه")
    response = client.get(f"/departments/{department.slug}?sort=distance&{point}")
    assert response.status_code == 400 and "پست برای آزمون نقطه" in response.get_data(as_text=True)
