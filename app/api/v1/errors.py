"""Every API error has one shape: {"error": {"status", "code", "message", "fields"}}."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.core.errors import DomainError

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or ERROR_CODES.get(status, "error")
        self.fields = fields or {}


def error_response(status: int, message: str, *, code: str | None = None, fields: dict | None = None):
    body = {
        "status": status,
        "code": code or ERROR_CODES.get(status, "error"),
        "message": message,
        "fields": fields or {},
    }
    return jsonify(error=body), status


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check what you sent."),
        401: _("Sign in, or send a valid API token: Authorization: Bearer <token>."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This address does not accept that kind of request."),
        413: _("What you sent is too large."),
        415: _("Send a JSON body with Content-Type: application/json."),
        429: _("You are going too fast. Please wait a little and try again."),
    }


def register(bp: Blueprint) -> None:
    def http_error(error: HTTPException):
        status = error.code or 500
        code = "csrf" if error.__class__.__name__ == "CSRFError" else None
        return error_response(status, _messages().get(status, error.name), code=code)

    # By code as well as by class: the app's own handlers for some codes (401, CSRF's 400) would win.
    bp.register_error_handler(HTTPException, http_error)
    for status in ERROR_CODES:
        bp.register_error_handler(status, http_error)

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.message, code=error.code, fields=error.fields)

    @bp.errorhandler(DomainError)
    def domain_error(error: DomainError):
        fields = {error.field: [error.message]} if error.field else {}
        return error_response(error.status, error.message, fields=fields)

    @bp.errorhandler(ValidationError)
    def validation_error(error: ValidationError):
        fields = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return error_response(422, _("Some fields are not valid."), fields=fields)
