"""`flask notifications …`: send the outbox and write the daily digests (run them from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.core.db import write_intent
from app.extensions import db
from app.notifications import mail
from app.notifications.models import OutboxEmail

notifications_cli = AppGroup("notifications", help="E-mail: the outbox and the daily digest.")


@notifications_cli.command("send")
@click.option("--limit", type=click.IntRange(1, 10_000), help="At most this many e-mails (default OUTBOX_BATCH_SIZE).")
def send_command(limit: int | None):
    """Send the e-mails waiting in the outbox over SMTP."""
    with write_intent():
        report = mail.send_due(limit)
        waiting = db.session.scalar(
            select(func.count())
            .select_from(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None))
        )
        db.session.rollback()
    click.echo(f"Sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}; {waiting} waiting.")


@notifications_cli.command("digest")
def digest_command():
    """Write one digest e-mail per user for the notifications they asked to get daily."""
    with write_intent():
        count = mail.build_digests()
        db.session.commit()
    click.echo(f"Queued {count} digest e-mails; `flask notifications send` sends them.")
