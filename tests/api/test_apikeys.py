"""Open311 API keys: `flask apikeys create/list/revoke` and the admins' page; printed once, stored hashed."""

from __future__ import annotations

import re

import pytest
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


def test_admins_issue_and_revoke_keys_on_their_page(client, auth, make):
    from app.accounts.models import Role

    owner = make.user(email="desk@example.org")
    auth.login(make.user(Role.ADMIN))
    response = client.post("/admin/api-keys", data={"name": "میز ۱۳۷", "owner": "desk@example.org"})
    assert response.status_code == 200
    secret = re.search(r'id="new-key">([^<]+)<', response.get_data(as_text=True)).group(1)
    key = db.session.scalar(select(ApiKey))
    assert (key.owner_id, key.key_hash) == (owner.id, credentials.digest(secret))
    assert secret not in client.get("/admin/api-keys").get_data(as_text=True)
    assert client.post("/admin/api-keys", data={"name": "x", "owner": "nobody@example.org"}).status_code == 422
    assert client.post(f"/admin/api-keys/{key.id}/revoke").status_code == 302
    db.session.rollback()
    assert db.session.get(ApiKey, key.id).revoked_at is not None


@pytest.mark.parametrize("role", ["resident", "moderator", "staff"])
def test_only_admins_reach_the_key_page(client, auth, make, role):
    from app.accounts.models import Role

    key, _secret = credentials.create_api_key(None, "desk", make.user())
    db.session.commit()
    auth.login(make.user(Role(role)))
    assert client.get("/admin/api-keys").status_code == 403
    assert client.post(f"/admin/api-keys/{key.id}/revoke").status_code == 403
    assert db.session.get(ApiKey, key.id).revoked_at is None
