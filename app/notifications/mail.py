"""E-mail: written to the outbox inside the transaction, sent over SMTP after commit by the CLI.

A crash, a rollback or a dead mail server never loses or invents an e-mail: rows exist only if
their cause committed; the sender claims rows, sends, and records each e-mail as sent at once, so
a crash mid-batch re-sends at most the one message in flight. docs/decisions/0011-email-outbox.md.
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from app.core.db import utcnow
from app.core.text import isolate, strip_bidi_controls
from app.core.urls import absolute_url
from app.core.web import localized
from app.extensions import db
from app.notifications import texts
from app.notifications.models import EmailState, Notification, OutboxEmail

UNSUBSCRIBE_SALT = "unsubscribe"
CLAIM_MINUTES = 10  # a sender that died holding rows releases them after this long
DIGEST_MAX_ITEMS = 50
SUBJECT_MAX = 300


def _language(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def unsubscribe_token(user) -> str:
    """A signed token naming the user: the unsubscribe link works without signing in, and cannot be forged."""
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).dumps(user.id)


def user_id_from_unsubscribe_token(token: str) -> int | None:
    try:
        user_id = URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    return user_id if isinstance(user_id, int) else None


def _queue(user, subject: str, body: str, *, address: str | None = None) -> OutboxEmail:
    subject = " ".join(strip_bidi_controls(subject).split())  # plain subject lines: no isolates, no overrides
    if user is not None:  # every e-mail to a resident ends with a way out that needs no password
        link = absolute_url("notifications.unsubscribe", token=unsubscribe_token(user))
        way_out = _("Stop all e-mails from Shahrvand (no sign-in needed):")
        body = f"{body.rstrip()}\n{way_out} {link}\n"
    email = OutboxEmail(
        user_id=user.id if user is not None else None,
        to_address=address or user.email,
        subject=subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…",
        body=body,
    )
    db.session.add(email)
    return email


def queue_notification_email(user, notification: Notification) -> OutboxEmail:
    """Write the e-mail for one notification, in the recipient's language."""
    with force_locale(_language(user)):
        summary = texts.describe(notification, user)
        subject = _("%(site)s: %(summary)s", site=_("Shahrvand"), summary=summary)
        body = render_template(
            "notifications/email/notification.txt",
            user=user,
            summary=summary,
            detail=texts.detail(notification, user),
            link=_link(notification),
            settings_link=absolute_url("notifications.settings"),
        )
    return _queue(user, subject, body)


def queue_department_email(post, change) -> OutboxEmail | None:
    """Tell a department's contact address that a post was forwarded to it (as FixMyStreet e-mails
    the body responsible), in the site's default language."""
    department = change.department
    if department is None or not department.contact_email:
        return None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _(
            "%(site)s: a post was forwarded to %(department)s",
            site=_("Shahrvand"),
            department=isolate(localized(department)),
        )
        body = render_template(
            "notifications/email/forwarded.txt",
            post=post,
            change=change,
            department=department,
            link=absolute_url("posts.show", post_id=post.id),
            queue_link=absolute_url("departments.dashboard", slug=department.slug),
        )
    return _queue(None, subject, body, address=department.contact_email)


def _link(notification: Notification) -> str:
    endpoint, values = texts.target(notification)
    return absolute_url(endpoint, **values)


def build_digests() -> int:
    """One e-mail per user for every notification waiting for the digest; returns e-mails queued."""
    waiting = db.session.scalars(
        select(Notification)
        .where(Notification.email_state == EmailState.DIGEST)
        .options(
            joinedload(Notification.user),
            joinedload(Notification.post),
            joinedload(Notification.actor),
            joinedload(Notification.comment),
            joinedload(Notification.status_change),
        )
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_user.setdefault(notification.user_id, []).append(notification)
    for items in by_user.values():
        user = items[0].user
        with force_locale(_language(user)):
            entries = [
                {
                    "summary": texts.describe(n, user),
                    "detail": texts.detail(n, user),
                    "when": n.created_at,
                    "link": _link(n),
                }
                for n in items[:DIGEST_MAX_ITEMS]
            ]
            subject = _("%(site)s: your daily summary (%(num)s updates)", site=_("Shahrvand"), num=len(items))
            body = render_template(
                "notifications/email/digest.txt",
                user=user,
                entries=entries,
                more=len(items) - len(entries),
                all_link=absolute_url("notifications.index"),
                settings_link=absolute_url("notifications.settings"),
            )
        _queue(user, subject, body)
        for notification in items:
            notification.email_state = EmailState.DIGESTED
    return len(by_user)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _message(email: OutboxEmail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(idstring=f"outbox-{email.id}", domain=_mail_domain())
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{absolute_url('notifications.settings')}>"
    message.set_content(email.body)
    return message


def _mail_domain() -> str:
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"


def _connect() -> smtplib.SMTP:
    config = current_app.config
    connection = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    if config["SMTP_STARTTLS"]:
        connection.starttls(context=ssl.create_default_context())
    if config["SMTP_USER"]:
        connection.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    return connection


def _claim(limit: int) -> str:
    now = utcnow()
    token = secrets.token_hex(16)
    due = (
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.failed_at.is_(None),
        OutboxEmail.next_attempt_at <= now,
        or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
    )
    ids = select(OutboxEmail.id).where(*due).order_by(OutboxEmail.id).limit(limit).scalar_subquery()
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(ids), *due)
        .values(claim_token=token, claimed_until=now + timedelta(minutes=CLAIM_MINUTES)),
        execution_options={"synchronize_session": False},
    )
    return token


def _record_failure(email: OutboxEmail, error: Exception, report: SendReport) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    email.claim_token = email.claimed_until = None
    if email.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        email.failed_at = utcnow()
        report.failed += 1
    else:
        email.next_attempt_at = utcnow() + timedelta(minutes=2 ** (email.attempts - 1))
        report.retrying += 1


def send_due(limit: int | None = None) -> SendReport:
    """Send the e-mails that are due; commits after the claim and after each e-mail."""
    report = SendReport()
    token = _claim(limit or current_app.config["OUTBOX_BATCH_SIZE"])
    db.session.commit()
    waiting = list(
        db.session.scalars(select(OutboxEmail).where(OutboxEmail.claim_token == token).order_by(OutboxEmail.id))
    )
    connection = None
    while waiting:
        email = waiting.pop(0)
        try:
            connection = connection or _connect()
            connection.send_message(_message(email))
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(email, error, report)
            if connection is None:  # no server at all: the rest of the batch waits for the next run
                for rest in waiting:
                    _record_failure(rest, error, report)
                waiting = []
            elif connection.sock is None or not isinstance(error, smtplib.SMTPException):
                connection.close()  # the server hung up (e.g. 421): open a new connection for the next one
                connection = None
        else:
            email.sent_at = utcnow()
            email.attempts += 1
            email.claim_token = email.claimed_until = None
            report.sent += 1
        db.session.commit()
    if connection is not None:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return report
