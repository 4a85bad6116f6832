"""`flask fixes remind`: ask "is it fixed?" once more of those who did not answer (cron: daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.db import write_intent
from app.extensions import db
from app.fixes import services, subscribers  # noqa: F401  (subscribers: signal receivers)

fixes_cli = AppGroup("fixes", help='"Is it fixed?": reminders to residents.')


@fixes_cli.command("remind")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
def remind_command(limit: int):
    """Remind those asked "is it fixed?" FIX_REMINDER_DAYS ago who have not answered (once each)."""
    with write_intent():
        count = services.remind_unanswered(limit=limit)
        db.session.commit()
    click.echo(f"Reminded {count} residents; `flask notifications send` sends the e-mails.")
