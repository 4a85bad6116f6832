"""`flask apikeys …`: Open311 client keys for operators and scripts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.api import credentials
from app.api.models import ApiKey
from app.core.db import write_intent
from app.core.errors import DomainError
from app.extensions import db

apikeys_cli = AppGroup("apikeys", help="Issue, list and revoke Open311 API keys.")


@apikeys_cli.command("create")
@click.argument("name")
@click.option("--owner", "owner_email", required=True, help="E-mail of the account the client's reports are posted as.")
def create_key_command(name: str, owner_email: str):
    """Create a key and print it (it is shown only this once)."""
    with write_intent():
        owner = find_user_by_email(owner_email)
        if owner is None:
            raise click.BadParameter(f"no user with e-mail {owner_email!r}", param_hint="--owner")
        try:
            key, secret = credentials.create_api_key(None, name, owner)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(f"key {key.id} for {key.name!r}, posting as {owner.email}:")
    click.echo(secret)


@apikeys_cli.command("list")
def list_keys_command():
    """Every key: id, name, owner, created, last used, revoked."""
    for key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        click.echo(
            f"{key.id}\t{key.name}\t{key.owner.email}\t{key.created_at:%Y-%m-%d %H:%M}\t"
            f"{key.last_used_at or '-'}\t{'revoked ' + str(key.revoked_at) if key.revoked_at else 'active'}"
        )


@apikeys_cli.command("revoke")
@click.argument("key_id", type=int)
def revoke_key_command(key_id: int):
    """Revoke a key by its id: the client's next call is refused."""
    with write_intent():
        key = db.session.get(ApiKey, key_id)
        if key is None:
            raise click.ClickException(f"no key with id {key_id}")
        credentials.revoke_api_key(None, key)
        db.session.commit()
    click.echo(f"key {key_id} revoked")
