"""`flask users …`: accounts for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import inspect, select

from app.accounts import services
from app.accounts.models import Role, User
from app.core.db import write_intent
from app.core.errors import DomainError
from app.extensions import db

# `set-role` is added by app.moderation.cli: a role change is audited, as it is on the web.
users_cli = AppGroup("users", help="Create users and change their roles.")


def department_by_slug(slug: str | None):
    """The department named by a --department option (None when the option is absent)."""
    if slug is None:
        return None
    # Reached through the mapper: accounts never imports the departments package.
    Department = inspect(User).relationships["department"].mapper.class_  # noqa: N806
    department = db.session.scalar(select(Department).where(Department.slug == slug))
    if department is None:
        raise click.BadParameter(f"no department with slug {slug!r}", param_hint="--department")
    return department


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.RESIDENT.value, show_default=True)
@click.option("--name", "display_name", help="Display name (default: the part of EMAIL before @).")
@click.option("--department", help="Department slug (staff only).")
@click.password_option(help="Password (asked for when omitted).")
def create_user_command(email: str, role: str, display_name: str | None, department: str | None, password: str):
    """Create a user with the given role."""
    if Role(role) is Role.STAFF and not department:
        raise click.BadParameter("staff need --department", param_hint="--department")
    with write_intent():
        try:
            user = services.create_user(
                email=email,
                display_name=display_name or email.split("@")[0],
                password=password,
                role=Role(role),
                department=department_by_slug(department),
                verified=True,  # the operator vouches for the address
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
    click.echo(f"Created {user.email} as {user.role.value}.")


@users_cli.command("list")
def list_users_command():
    """List users with their roles."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        department = f" ({user.department.slug})" if user.department else ""
        click.echo(f"{user.id}\t{user.email}\t{user.role.value}{department}\t{'blocked' if user.is_blocked else ''}")
