"""Admins keep departments and categories (each with its default department)."""

import pytest

from app.accounts.models import Role
from app.departments.models import Department
from app.extensions import db
from app.posts.models import Category


@pytest.fixture
def admin_user(make, auth):
    user = make.user(Role.ADMIN)
    auth.login(user)
    return user


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MODERATOR, Role.STAFF])
def test_only_admins_reach_the_admin_pages(client, auth, make, role):
    auth.login(make.user(role))
    assert client.get("/admin/departments").status_code == 403
    assert client.post("/admin/departments/new", data={"slug": "x"}).status_code == 403
    assert client.post("/admin/categories/new", data={"slug": "x"}).status_code == 403


def test_an_admin_adds_a_department_and_a_category_that_uses_it(client, admin_user):
    response = client.post(
        "/admin/departments/new",
        data={"slug": "water", "name_fa": "آب و فاضلاب", "name_en": "Water and sewage", "is_active": "y"},
    )
    assert response.status_code == 302
    water = db.session.query(Department).filter_by(slug="water").one()
    response = client.post(
        "/admin/categories/new",
        data={
            "slug": "leaks",
            "name_fa": "نشت آب",
            "name_en": "Water leaks",
            "default_department": water.id,
            "accepts_problems": "y",
            "position": "3",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    leaks = db.session.query(Category).filter_by(slug="leaks").one()
    assert leaks.default_department_id == water.id and leaks.accepts_problems and not leaks.accepts_ideas
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "آب و فاضلاب" in page and "نشت آب" in page


@pytest.mark.parametrize(
    "data",
    [
        {"slug": "Bad Slug", "name_fa": "الف", "name_en": "A"},
        {"slug": "ok", "name_fa": "", "name_en": "A"},
        {"slug": "ok", "name_fa": "الف", "name_en": "A", "contact_email": "not-an-address"},
    ],
)
def test_bad_departments_are_refused_and_the_form_keeps_the_input(client, admin_user, data):
    response = client.post("/admin/departments/new", data=data)
    assert response.status_code == 422
    assert data["name_en"] in response.get_data(as_text=True)
    assert db.session.query(Department).count() == 0


def test_a_taken_short_name_is_refused(client, make, admin_user):
    taken = make.department()
    response = client.post("/admin/departments/new", data={"slug": taken.slug, "name_fa": "ب", "name_en": "B"})
    assert response.status_code == 422


@pytest.mark.parametrize("slug", ["mine", "posts", "statistics", "templates", "new"])
def test_a_short_name_that_is_a_page_under_departments_is_refused(client, admin_user, slug):
    response = client.post("/admin/departments/new", data={"slug": slug, "name_fa": "ب", "name_en": "B"})
    assert response.status_code == 422
    assert db.session.query(Department).count() == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"default_department": "999999"},
        {"default_department": "abc"},
        {"accepts_problems": "", "accepts_ideas": ""},
        {"position": "many"},
    ],
)
def test_bad_categories_are_refused(client, make, admin_user, extra):
    department = make.department()
    data = {
        "slug": "cat",
        "name_fa": "دسته",
        "name_en": "Cat",
        "default_department": department.id,
        "accepts_problems": "y",
        "position": "0",
        "is_active": "y",
    } | extra
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post("/admin/categories/new", data=data)
    assert response.status_code == 422
    assert db.session.query(Category).filter_by(slug="cat").count() == 0


def test_an_inactive_department_cannot_be_a_default(client, make, admin_user):
    closed = make.department(is_active=False)
    response = client.post(
        "/admin/categories/new",
        data={
            "slug": "cat",
            "name_fa": "دسته",
            "name_en": "Cat",
            "default_department": closed.id,
            "accepts_problems": "y",
            "position": "0",
        },
    )
    assert response.status_code == 422


def test_editing_an_unknown_department_is_not_found(client, admin_user):
    assert client.get("/admin/departments/999999").status_code == 404
    assert client.get("/admin/categories/999999").status_code == 404
