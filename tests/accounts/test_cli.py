"""`flask users …` for operators."""

from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db


def test_create_an_admin(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "Boss@Example.org", "--password", "a-long-pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email_key == "boss@example.org"))
    assert user.role is Role.ADMIN
    assert user.email == "Boss@example.org"  # the local part as typed, the domain in lower case
    assert user.is_verified  # the operator vouches for the address


def test_a_common_password_is_refused(runner):
    result = runner.invoke(args=["users", "create", "weak@example.org", "--password", "password123"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email_key == "weak@example.org")) is None


def test_staff_need_an_existing_department(runner, make):
    result = runner.invoke(args=["users", "create", "--role", "staff", "s@example.org", "--password", "a-long-pass"])
    assert result.exit_code != 0 and "department" in result.output
    result = runner.invoke(
        args=["users", "create", "--role", "staff", "--department", "nope", "s@example.org", "--password", "x" * 8]
    )
    assert result.exit_code != 0
    department = make.department()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "staff",
            "--department",
            department.slug,
            "s@example.org",
            "--password",
            "a-long-pass",
        ]
    )
    assert result.exit_code == 0, result.output


def test_a_taken_address_is_refused(runner, make):
    user = make.user()
    result = runner.invoke(args=["users", "create", user.email, "--password", "a-long-pass"])
    assert result.exit_code != 0 and "از قبل وجود دارد" in result.output  # operators read Persian by default


def test_set_role_and_list(runner, make):
    user = make.user()
    assert runner.invoke(args=["users", "set-role", user.email, "moderator"]).exit_code == 0
    db.session.rollback()
    assert db.session.get(User, user.id).role is Role.MODERATOR
    assert user.email in runner.invoke(args=["users", "list"]).output


def test_making_someone_staff_needs_their_department(runner, make):
    user, department = make.user(), make.department()
    refused = runner.invoke(args=["users", "set-role", user.email, "staff"])
    assert refused.exit_code != 0 and "--department" in refused.output
    db.session.rollback()
    assert db.session.get(User, user.id).role is Role.RESIDENT
    done = runner.invoke(args=["users", "set-role", user.email, "staff", "--department", department.slug])
    assert done.exit_code == 0
    db.session.rollback()
    assert db.session.get(User, user.id).department_id == department.id
