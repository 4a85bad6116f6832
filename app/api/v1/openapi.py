"""The OpenAPI 3 document, built by apispec from the views' docstrings and the marshmallow schemas."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from app.api.v1 import bp
from app.api.v1.errors import ERROR_CODES

# Answers any operation may give besides its own: every one is the Error shape.
COMMON_ERRORS = (400, 401, 403, 404, 409, 415, 422, 429)
_METHODS = ("get", "put", "post", "delete", "patch")


def build_spec() -> dict:
    spec = APISpec(
        title="Shahrvand API",
        version="1.0.0",
        openapi_version="3.0.3",
        info={
            "description": "Posts, comments, votes, follows, search and notifications of Shahrvand. "
            "Send a token from your profile page as `Authorization: Bearer <token>`; without one, "
            "only what visitors see is readable. Lists are paginated by cursor: pass a page's "
            "`next_cursor` back as `cursor`."
        },
        servers=[{"url": "/api/v1"}],
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    from app.api.v1 import schemas

    spec.components.schema("Error", schema=schemas.ErrorSchema)
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            spec.path(view=current_app.view_functions[rule.endpoint])
    document = spec.to_dict()
    document["paths"] = {path.removeprefix("/api/v1"): item for path, item in document["paths"].items()}
    for item in document["paths"].values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for status in COMMON_ERRORS:
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": ERROR_CODES[status],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
            for response in operation["responses"].values():
                response.setdefault("description", "OK")
    return document


@bp.get("/openapi.json")
def openapi_document():
    document = current_app.extensions.get("api_openapi")
    if document is None:
        document = current_app.extensions["api_openapi"] = build_spec()
    return jsonify(document)
