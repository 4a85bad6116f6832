"""E-mails about the account itself (verification, reset, …) and the user's notification data.

accounts announces these through app.accounts.signals; the e-mails go through the same outbox as
every other e-mail, written in the recipient's language inside the open transaction.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from app.accounts.signals import account_deleting, account_email, personal_data_requested
from app.extensions import db
from app.notifications.mail import _language, _queue
from app.notifications.models import Notification, NotificationPreference, OutboxEmail


def _subject(kind: str) -> str:
    return {
        "verify": _("Confirm your e-mail address"),
        "reset": _("Choose a new password"),
        "signup_existing": _("You already have an account"),
        "password_changed": _("Your password was changed"),
    }[kind]


@account_email.connect
def _queue_account_email(user, *, kind: str, link: str, **_extra) -> None:
    with force_locale(_language(user)):
        subject = _("%(site)s: %(summary)s", site=_("Shahrvand"), summary=_subject(kind))
        body = render_template(f"notifications/email/account_{kind}.txt", user=user, link=link)
    _queue(user, subject, body)


def _when(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


@personal_data_requested.connect
def _notification_data(user, **_extra) -> dict:
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    preferences = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    emails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == user.id).order_by(OutboxEmail.id))
    return {
        "notifications": [
            {
                "kind": n.kind.value,
                "post_id": n.post_id,
                "comment_id": n.comment_id,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in notifications
        ],
        "email_preferences": {p.kind.value: p.delivery.value for p in preferences},
        "emails": [
            {"to": e.to_address, "subject": e.subject, "created_at": _when(e.created_at), "sent_at": _when(e.sent_at)}
            for e in emails
        ],
    }


@account_deleting.connect
def _erase_notification_data(user, **_extra) -> None:
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    db.session.execute(delete(OutboxEmail).where(OutboxEmail.user_id == user.id, OutboxEmail.sent_at.is_(None)))
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.user_id == user.id)
        .values(to_address="deleted@deleted.invalid", body="", user_id=None)
    )
