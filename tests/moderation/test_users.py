"""Blocking people (with a reason) and changing roles."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.moderation.forms import FILTER_MAX
from app.moderation.models import AuditEntry
from app.posts.models import PostStatus


def test_a_moderator_blocks_a_resident_who_can_then_read_but_not_take_part(client, auth, make):
    resident = make.user()
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user(Role.MODERATOR))
    response = client.post(f"/moderation/users/{resident.id}/block", data={"reason": "تبلیغ مکرر"})
    assert response.status_code == 302
    assert db.session.get(User, resident.id).blocked_reason == "تبلیغ مکرر"
    auth.logout()
    auth.login(resident)
    page = client.get(f"/posts/{post.id}")
    assert page.status_code == 200 and "تبلیغ مکرر" in page.get_data(as_text=True)
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 302
    assert db.session.get(type(post), post.id).support == 0
    assert client.post(f"/posts/{post.id}/comments", data={"body": "سلام"}).status_code == 403
    assert client.post(f"/moderation/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 403
    assert client.get("/posts/new").status_code == 403


def test_blocking_needs_a_reason(client, auth, make):
    resident = make.user()
    auth.login(make.user(Role.MODERATOR))
    for reason in ("", "   ", "x" * 501):
        assert client.post(f"/moderation/users/{resident.id}/block", data={"reason": reason}).status_code == 422
    assert not db.session.get(User, resident.id).is_blocked


def test_unblocking_lets_the_user_take_part_again(client, auth, make):
    resident = make.user(is_blocked=True, blocked_reason="قبلی")
    auth.login(make.user(Role.MODERATOR))
    assert client.post(f"/moderation/users/{resident.id}/unblock", data={"note": "قول داد"}).status_code == 302
    assert not db.session.get(User, resident.id).is_blocked
    assert client.post(f"/moderation/users/{resident.id}/unblock", data={}).status_code == 422  # not blocked now


@pytest.mark.parametrize(
    ("actor_role", "target_role", "allowed"),
    [
        (Role.RESIDENT, Role.RESIDENT, False),
        (Role.STAFF, Role.RESIDENT, False),
        (Role.MODERATOR, Role.RESIDENT, True),
        (Role.MODERATOR, Role.MODERATOR, False),
        (Role.MODERATOR, Role.STAFF, False),
        (Role.MODERATOR, Role.ADMIN, False),
        (Role.ADMIN, Role.MODERATOR, True),
        (Role.ADMIN, Role.STAFF, True),
        (Role.ADMIN, Role.ADMIN, False),
    ],
)
def test_who_may_block_whom(client, auth, make, actor_role, target_role, allowed):
    target = make.user(target_role)
    auth.login(make.user(actor_role))
    response = client.post(f"/moderation/users/{target.id}/block", data={"reason": "دلیل"})
    assert response.status_code == (302 if allowed else 403)
    assert db.session.get(User, target.id).is_blocked is allowed


def test_nobody_blocks_themselves(client, auth, make):
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    assert client.post(f"/moderation/users/{admin.id}/block", data={"reason": "x"}).status_code == 403


def test_blocking_an_unknown_user_is_not_found(client, auth, make):
    auth.login(make.user(Role.MODERATOR))
    assert client.post("/moderation/users/999999/block", data={"reason": "x"}).status_code == 404


def test_an_admin_makes_a_resident_staff_of_a_department(client, auth, make):
    resident, department = make.user(), make.department()
    auth.login(make.user(Role.ADMIN))
    response = client.post(f"/moderation/users/{resident.id}/role", data={"role": "staff", "department": department.id})
    assert response.status_code == 302
    user = db.session.get(User, resident.id)
    assert user.role is Role.STAFF and user.department_id == department.id


@pytest.mark.parametrize(
    "data",
    [
        {"role": "staff"},
        {"role": "staff", "department": "x"},
        {"role": "staff", "department": "999999"},
        {"role": "king"},
        {},
    ],
)
def test_bad_role_changes_are_refused(client, auth, make, data):
    resident = make.user()
    auth.login(make.user(Role.ADMIN))
    assert client.post(f"/moderation/users/{resident.id}/role", data=data).status_code == 422
    assert db.session.get(User, resident.id).role is Role.RESIDENT


def test_moderators_cannot_change_roles_and_admins_not_their_own(client, auth, make):
    resident = make.user()
    moderator = make.user(Role.MODERATOR)
    auth.login(moderator)
    assert client.post(f"/moderation/users/{resident.id}/role", data={"role": "admin"}).status_code == 403
    auth.logout()
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    assert client.post(f"/moderation/users/{admin.id}/role", data={"role": "resident"}).status_code == 403


def test_the_users_list_finds_people_by_name_role_and_state(client, auth, make):
    make.user(display_name="مریم رضایی")
    make.user(display_name="علی کریمی", is_blocked=True)
    auth.login(make.user(Role.MODERATOR))
    page = client.get("/moderation/users?q=مریم").get_data(as_text=True)
    assert "مریم رضایی" in page and "علی کریمی" not in page
    page = client.get("/moderation/users?blocked=yes&role=resident").get_data(as_text=True)
    assert "علی کریمی" in page and "مریم رضایی" not in page
    assert client.get("/moderation/users?role=nonsense&blocked=perhaps").status_code == 200
    assert client.get("/moderation/users/999999").status_code == 404


def test_a_name_too_long_to_be_one_is_refused_beside_its_box_and_kept(client, auth, make):
    make.user(display_name="مریم رضایی")
    auth.login(make.user(Role.MODERATOR))
    typed = "م" * (FILTER_MAX + 1)
    response = client.get(f"/moderation/users?q={typed}&role=moderator")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="u-q-error"' in page and f'value="{typed}"' in page
    assert re.search(r'<option selected value="moderator">|<option value="moderator" selected>', page)
    assert f'maxlength="{FILTER_MAX}"' in re.search(r'<input[^>]*id="u-q"[^>]*>', page).group(0)


def test_moderators_who_may_not_see_e_mail_addresses_cannot_search_by_them(client, auth, make):
    make.user(display_name="مریم رضایی", email="maryam.secret@example.org")
    auth.login(make.user(Role.MODERATOR))
    assert "مریم رضایی" not in client.get("/moderation/users?q=maryam.secret").get_data(as_text=True)
    auth.logout()
    auth.login(make.user(Role.ADMIN))
    assert "مریم رضایی" in client.get("/moderation/users?q=maryam.secret").get_data(as_text=True)


def test_a_role_changed_at_the_command_line_is_audited_as_on_the_web(runner, make):
    user, department = make.user(), make.department()
    result = runner.invoke(args=["users", "set-role", user.email, "staff", "--department", department.slug])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "change_role"))
    assert entry is not None and entry.subject_id == user.id and entry.actor_id is None
    assert entry.details == {
        "from": {"role": "resident", "department": None},
        "to": {"role": "staff", "department": department.slug},
    }


def test_the_command_line_refuses_an_inactive_department_as_the_web_does(runner, make):
    user, department = make.user(), make.department(is_active=False)
    result = runner.invoke(args=["users", "set-role", user.email, "staff", "--department", department.slug])
    assert result.exit_code != 0
    db.session.rollback()
    assert db.session.get(User, user.id).role is Role.RESIDENT
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "change_role")) is None
