"""Reading the links the site e-mails, and the CSRF token of a page."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import OutboxEmail


def mails_to(user) -> list[OutboxEmail]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == user.id).order_by(OutboxEmail.id)))


def link_in(mail: OutboxEmail, path: str) -> str:
    """The site-relative link of the e-mail whose path starts with `path`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", mail.body)
    assert match, mail.body
    return match.group(1)


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
