"""Reading parameters and bodies through schemas, and answering with them."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema

from app.api.v1.errors import ApiError


def args(schema: Schema) -> dict:
    return schema.load(request.args)


def body(schema: Schema) -> dict:
    if not request.is_json:
        raise ApiError(415, _("Send a JSON body with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, _("The body must be a JSON object."))
    return schema.load(data)


def answer(schema: Schema, obj, status: int = 200, headers: dict | None = None):
    return jsonify(schema.dump(obj)), status, headers or {}
