"""Open311 GeoReport v2 endpoints: every one answers in .json and .xml, errors included."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api import credentials
from app.api.open311 import formats
from app.api.open311 import requests as service_requests
from app.core.errors import DomainError
from app.core.i18n import negotiates_language
from app.core.web import localized
from app.extensions import csrf, db, limiter

bp = negotiates_language(Blueprint("open311", __name__, url_prefix="/open311/v2"))
csrf.exempt(bp)  # no cookie carries authority here: writes need the api_key parameter
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FMT = "<any(json, xml):fmt>"


def _read_limit() -> str:
    return current_app.config["OPEN311_READ_RATE_LIMIT"]


def _key_limit() -> str:
    return current_app.config["OPEN311_KEY_RATE_LIMIT"]


def _key_identity() -> str:
    """Rate limits count per API key (by its hash: the secret never reaches the limiter's store)."""
    secret = request.values.get("api_key", "")
    return "open311-key:" + (credentials.digest(secret) if secret else request.remote_addr or "")


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _http_error(error: HTTPException):
    return formats.error(_fmt(), error.code or 500, error.description or error.name)


# By code as well as by class: the app's own handlers for some codes (401, CSRF's 400) would win.
bp.register_error_handler(HTTPException, _http_error)
for _code in (400, 401, 403, 404, 405, 413, 429):
    bp.register_error_handler(_code, _http_error)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    status = error.status if error.status in (400, 403, 404) else 400
    return formats.error(_fmt(), status, error.message)


@bp.get(f"/discovery.{FMT}")
@limiter.limit(_read_limit)
def discovery(fmt: str):
    config = current_app.config
    endpoint = {
        "specification": SPECIFICATION,
        "url": url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
        "changeset": config["OPEN311_CHANGESET"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    data = {
        "changeset": config["OPEN311_CHANGESET"],
        "contact": config["OPEN311_CONTACT"],
        "key_service": config["OPEN311_KEY_SERVICE"],
        "endpoints": [endpoint],
    }
    return formats.respond(fmt, data, root="discovery", item=None)


def _service(category) -> dict:
    return {
        "service_code": category.slug,
        "service_name": localized(category),
        "description": localized(category),
        "metadata": False,  # no category asks extra questions yet
        "type": "batch",  # requests are queued for moderation: clients receive a token
        "keywords": ", ".join(dict.fromkeys((category.name_fa, category.name_en, category.slug))),
        "group": localized(category.default_department) if category.default_department else "",
    }


@bp.get(f"/services.{FMT}")
@limiter.limit(_read_limit)
def services(fmt: str):
    data = [_service(category) for category in service_requests.services()]
    return formats.respond(fmt, data, root="services", item="service")


@bp.get(f"/services/<code>.{FMT}")
@limiter.limit(_read_limit)
def service_definition(code: str, fmt: str):
    category = service_requests.service_by_code(code)
    if category is None:
        return formats.error(fmt, 404, _("Unknown service_code."))
    data = {"service_code": category.slug, "attributes": []}
    return formats.respond(fmt, data, root="service_definition", item=None)


@bp.get(f"/requests.{FMT}")
@limiter.limit(_read_limit)
def list_requests(fmt: str):
    query = service_requests.parse_query(request.args)
    posts = service_requests.find_requests(query)
    data = service_requests.describe(posts, extensions=request.args.get("extensions") == "true")
    return formats.respond(fmt, data, root="service_requests", item="request")


@bp.post(f"/requests.{FMT}")
@limiter.limit(_key_limit, key_func=_key_identity)
def create_request(fmt: str):
    key = credentials.key_for_secret(request.values.get("api_key", ""), touch=True)
    if key is None:
        return formats.error(fmt, 403, _("api_key is missing or not valid."))
    values = request.values
    if not values.get("service_code"):
        return formats.error(fmt, 400, _("service_code is required."))
    new = service_requests.NewRequest(
        service_code=values["service_code"],
        description=values.get("description", ""),
        lat=_coordinate(values, "lat"),
        long=_coordinate(values, "long"),
        address_string=values.get("address_string"),
        email=values.get("email"),
        phone=values.get("phone"),
        first_name=values.get("first_name"),
        last_name=values.get("last_name"),
        device_id=values.get("device_id"),
        account_id=values.get("account_id"),
        media_url=values.get("media_url"),
    )
    received = service_requests.create_request(key, new)
    db.session.commit()
    data = [
        {
            "token": received.token,
            "service_notice": _("Your report will be published after a moderator reviews it."),
            "account_id": received.account_id,
        }
    ]
    return formats.respond(fmt, data, root="service_requests", item="request", status=201)


def _coordinate(values, name: str) -> float | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise service_requests.Open311Error(_("%(name)s must be a number in decimal degrees.", name=name), name)
    return number


@bp.get(f"/requests/<int:request_id>.{FMT}")
@limiter.limit(_read_limit)
def show_request(request_id: int, fmt: str):
    post = service_requests.public_request(request_id)
    if post is None:
        return formats.error(fmt, 404, _("No public service request has this service_request_id."))
    data = service_requests.describe([post], extensions=request.args.get("extensions") == "true")
    return formats.respond(fmt, data, root="service_requests", item="request")


@bp.get(f"/tokens/<token>.{FMT}")
@limiter.limit(_read_limit)
def show_token(token: str, fmt: str):
    received = service_requests.find_token(token)
    if received is None:
        return formats.error(fmt, 404, _("Unknown token."))
    published = received.post.is_public
    data = [{"service_request_id": received.post_id if published else None, "token": received.token}]
    return formats.respond(fmt, data, root="service_requests", item="request")
