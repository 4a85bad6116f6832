"""Error pages in the user's language; nothing a user sends may end in a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager

log = logging.getLogger(__name__)
# The database is away (stopped, restarting, unreachable) or busy (a locked SQLite file): 503, and
# the next request tries again on a fresh connection (SQLAlchemy drops the broken ones from the pool).
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    """A rule of the domain was broken. Services raise it (or a subclass); views turn it into a form
    error on `field` (or a flash) and answer with `status`. The message is already translated."""

    status = 422

    def __init__(self, message: str, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class DomainForbiddenError(DomainError):
    """The actor may not do this to this object."""

    status = 403


class DomainConflictError(DomainError):
    """The object is not in a state that allows this (it changed, or the move does not apply)."""

    status = 409


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you sent.")),
        403: (_("Not allowed"), _("You do not have permission to do this.")),
        404: (_("Not found"), _("The page you are looking for does not exist or is not public.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        409: (_("Conflict"), _("Someone else changed this at the same moment. Please try again.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many requests"), _("You are going too fast. Please wait a little and try again.")),
        500: (_("Something went wrong"), _("An error on our side stopped this page. It has been logged.")),
        503: (
            _("Briefly unavailable"),
            _(
                "The site cannot reach its database just now. Please try again in a minute; "
                "if you were sending something, it was not saved."
            ),
        ),
    }


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400, _("Your form expired or was sent from another site. Please reload the page and try again.")
        ), 400

    @app.errorhandler(401)
    def unauthorized(error):
        if request.method == "GET":
            flash(_("Please sign in to continue."), "info")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return _render(401, _("Please sign in to continue.")), 401

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500), error.code or 500

    @app.errorhandler(exc.DBAPIError)
    def database_error(error: exc.DBAPIError):
        if not isinstance(error, DATABASE_UNAVAILABLE) and not error.connection_invalidated:
            return unexpected_error(error)
        log.warning("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
        _forget_session()
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
        response = app.make_response((_render(503), 503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if app.testing:
            raise error
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(500), 500


def _forget_session() -> None:
    """Drop the request's session and its connection, which may be broken: never raises."""
    try:
        db.session.remove()
    except Exception:  # the connection is gone already
        log.debug("Closing the session after a database error failed", exc_info=True)


def _render(code: int, detail: str | None = None):
    title, text = _messages().get(code, (_("Error"), _("Something went wrong.")))
    if code == 401:
        title = _("Sign in required")
    return render_template("errors/error.html", code=code, title=title, detail=detail or text)


def show_error(error: DomainError, form=None) -> None:
    """Show a service's refusal where the user looks: beside the form field it names, else above the
    form (its form errors, which keep `form.errors` true so the page answers 422), else in a flash."""
    field = form._fields.get(error.field) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    elif form is not None:
        form.form_errors.append(error.message)
    else:
        flash(error.message, "danger")


def form_error_text(form) -> str:
    """Every message of a refused form in one line, for pages that show no form to put them on."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
