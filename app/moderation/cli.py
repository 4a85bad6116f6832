"""`flask users set-role`: the same audited service as the admins' page, from the command line."""

from __future__ import annotations

import click

from app.accounts import services as accounts
from app.accounts.cli import department_by_slug, users_cli
from app.accounts.models import Role
from app.core.db import write_intent
from app.core.errors import DomainError
from app.extensions import db
from app.moderation import users


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--department", help="Department slug (staff only).")
def set_role_command(email: str, role: str, department: str | None):
    """Change a user's role (written to the audit log, with no actor: the site's operator)."""
    if Role(role) is Role.STAFF and not department:
        raise click.BadParameter("staff need --department", param_hint="--department")
    with write_intent():
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"no user with e-mail {email}")
        try:
            users.change_role(None, user, Role(role), department_by_slug(department))
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}.")
