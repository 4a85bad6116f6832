"""The OpenAPI document: it describes every route of /api/v1, and schemathesis, driving the live app
with generated requests, finds no 500 and no answer that contradicts it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from app.posts.models import PostKind, PostStatus

METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}


def test_every_api_route_is_described(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
            routes |= {(path, method) for method in rule.methods & METHODS}
    assert routes and routes == described
    for item in document["paths"].values():
        for operation in item.values():
            assert "200" in operation["responses"] or "201" in operation["responses"]
            assert "422" in operation["responses"] and "401" in operation["responses"]


@pytest.fixture
def app_config(app_config):
    many = "100000 per minute"  # generated requests come fast; the limits themselves are tested elsewhere
    return app_config | {"API_RATE_LIMIT": many, "POSTING_RATE_LIMIT": many, "SIMILAR_RATE_LIMIT": many}


def test_schemathesis_finds_no_server_error_and_no_answer_against_the_document(live_server, make, token_for):
    # Imported here, not at the top: every test process collects this file, and schemathesis takes
    # longer to import than the rest of its imports together (its pytest plugin is off, setup.cfg).
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    author = make.user()
    category = make.category(slug="lights")
    post = make.post(author=author, category=category)
    make.post(PostStatus.RESOLVED, kind=PostKind.IDEA)
    make.comment(post)
    headers = token_for(make.user())
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            case.call_and_validate(base_url=f"{live_server}/api/v1", headers=headers, checks=checks)

        exercise()
