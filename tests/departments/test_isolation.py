"""Staff of one department can never act on another department's posts, whatever the door they try."""

import pytest

from app.accounts.models import Role
from app.departments.models import Assignment, InternalNote, ResponseTemplate
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import Post, PostStatus


@pytest.fixture
def world(world_kept):
    return world_kept(_world)


def _world(make):
    ours, theirs = make.department(), make.department()
    post = make.post(PostStatus.FORWARDED, category=make.category(department=theirs))
    template = make.response_template(theirs, "acknowledge")
    return {
        "post": post,
        "ours": ours,
        "theirs": theirs,
        "template": template,
        "intruder": make.user(Role.STAFF, department=ours),
        "insider": make.user(Role.STAFF, department=theirs),
    }


def _attempts(w):
    post, theirs, template = w["post"], w["theirs"], w["template"]
    respond = f"/departments/posts/{post.id}/respond"
    transition = f"/moderation/posts/{post.id}/transition"
    return {
        "acknowledge": ("post", respond, {"action": "acknowledge", "note": "دریافت شد"}),
        "start": ("post", respond, {"action": "start"}),
        "resolve": ("post", respond, {"action": "resolve", "note": "حل شد"}),
        "decline": ("post", respond, {"action": "decline", "note": "نه"}),
        "hand_back": ("post", respond, {"action": "hand_back", "note": "مال ما نیست"}),
        "acknowledge (generic door)": ("post", transition, {"action": "acknowledge", "note": "دریافت شد"}),
        "start (generic door)": ("post", transition, {"action": "start"}),
        "resolve (generic door)": ("post", transition, {"action": "resolve", "note": "حل شد"}),
        "decline (generic door)": ("post", transition, {"action": "decline", "note": "نه"}),
        "hand_back (generic door)": ("post", transition, {"action": "hand_back", "note": "مال ما نیست"}),
        "respond with template": ("post", respond, {"action": "acknowledge", "template": template.id}),
        "assign": ("post", f"/departments/posts/{post.id}/assign", {"assignee": w["insider"].id}),
        "internal note": ("post", f"/departments/posts/{post.id}/notes", {"body": "یادداشت داخلی"}),
        "view dashboard": ("get", f"/departments/{theirs.slug}", None),
        "export csv": ("get", f"/departments/{theirs.slug}/export.csv?start=2025-01-01&end=2029-12-31", None),
        "list templates": ("get", f"/departments/{theirs.slug}/templates", None),
        "add template": (
            "post",
            f"/departments/{theirs.slug}/templates/new",
            {"action": "resolve", "title": "t", "body": "b", "position": "0", "is_active": "y"},
        ),
        "edit template": (
            "post",
            f"/departments/{theirs.slug}/templates/{template.id}",
            {"action": "resolve", "title": "t", "body": "b", "position": "0", "is_active": "y"},
        ),
    }


ACTIONS = [
    "acknowledge",
    "start",
    "resolve",
    "decline",
    "hand_back",
    "acknowledge (generic door)",
    "start (generic door)",
    "resolve (generic door)",
    "decline (generic door)",
    "hand_back (generic door)",
    "respond with template",
    "assign",
    "internal note",
    "view dashboard",
    "export csv",
    "list templates",
    "add template",
    "edit template",
]


def _state(w):
    post = db.session.get(Post, w["post"].id)
    return (
        post.status,
        post.department_id,
        db.session.query(StatusChange).count(),
        db.session.query(Assignment).count(),
        db.session.query(InternalNote).count(),
        [(t.title, t.body) for t in db.session.query(ResponseTemplate).order_by(ResponseTemplate.id)],
    )


def _send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data=data)


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_of_another_department_are_refused_and_nothing_changes(client, auth, world, action):
    method, url, data = _attempts(world)[action]
    before = _state(world)
    auth.login(world["intruder"])
    response = _send(client, method, url, data)
    assert response.status_code == 403, (action, response.status_code)
    db.session.expire_all()
    assert _state(world) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_of_the_posts_own_department_may(client, auth, world, action):
    method, url, data = _attempts(world)[action]
    auth.login(world["insider"])
    response = _send(client, method, url, data)
    assert response.status_code in (200, 302), (action, response.status_code)


def test_the_post_page_shows_another_departments_staff_no_tools_or_internal_notes(client, auth, make, world):
    from app.departments import services

    services.add_internal_note(world["post"], world["insider"], "شماره‌ی پیمانکار: ۰۹۱۲")
    db.session.commit()
    auth.login(world["intruder"])
    page = client.get(f"/posts/{world['post'].id}").get_data(as_text=True)
    assert "۰۹۱۲" not in page and "/respond" not in page and "/assign" not in page
    auth.logout()
    auth.login(world["insider"])
    page = client.get(f"/posts/{world['post'].id}").get_data(as_text=True)
    assert "۰۹۱۲" in page and "/respond" in page and "/assign" in page


def test_a_department_cannot_use_another_departments_template(client, auth, make, world):
    own_post = make.post(PostStatus.FORWARDED, category=make.category(department=world["ours"]))
    auth.login(world["intruder"])
    response = client.post(
        f"/departments/posts/{own_post.id}/respond", data={"action": "acknowledge", "template": world["template"].id}
    )
    assert response.status_code == 422
    assert db.session.get(Post, own_post.id).status is PostStatus.FORWARDED


def test_staff_cannot_assign_a_post_to_someone_of_another_department(client, auth, make, world):
    auth.login(world["insider"])
    response = client.post(f"/departments/posts/{world['post'].id}/assign", data={"assignee": world["intruder"].id})
    assert response.status_code == 422
    assert db.session.query(Assignment).count() == 0


def test_a_hidden_post_of_another_department_does_not_exist_for_intruders(client, auth, world):
    world["post"].is_hidden = True
    db.session.commit()
    auth.login(world["intruder"])
    response = client.post(f"/departments/posts/{world['post'].id}/respond", data={"action": "start"})
    assert response.status_code == 404
