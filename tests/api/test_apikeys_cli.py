"""`flask apikeys create/list/revoke`: keys printed once, stored hashed, revoked for good."""

from __future__ import annotations

from sqlalchemy import select

from app.api import credentials
from app.api.models import ApiKey
from app.extensions import db


def test_create_prints_a_key_that_only_its_hash_remembers(runner, make, client):
    owner = make.user(email="desk@example.org")
    make.category(slug="potholes")
    result = runner.invoke(args=["apikeys", "create", "City 311 desk", "--owner", "desk@example.org"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    db.session.rollback()
    key = db.session.scalar(select(ApiKey))
    assert (key.name, key.owner_id, key.key_hash) == ("City 311 desk", owner.id, credentials.digest(secret))
    data = {
        "api_key": secret,
        "service_code": "potholes",
        "address_string": "حرم",
        "description": "چاله‌ی بزرگی در پیاده‌رو هست که خطرناک است.",
    }
    assert client.post("/open311/v2/requests.json", data=data).status_code == 201
    listing = runner.invoke(args=["apikeys", "list"]).output
    assert "City 311 desk" in listing and "desk@example.org" in listing and secret not in listing
    assert runner.invoke(args=["apikeys", "revoke", str(key.id)]).exit_code == 0
    assert client.post("/open311/v2/requests.json", data=data).status_code == 403
    assert "revoked" in runner.invoke(args=["apikeys", "list"]).output


def test_create_refuses_an_unknown_owner(runner):
    result = runner.invoke(args=["apikeys", "create", "x", "--owner", "nobody@example.org"])
    assert result.exit_code != 0 and "no user" in result.output
    assert db.session.scalar(select(ApiKey)) is None


def test_revoke_of_an_unknown_key_fails(runner):
    assert runner.invoke(args=["apikeys", "revoke", "42"]).exit_code != 0
