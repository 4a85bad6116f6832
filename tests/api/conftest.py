"""Open311 keys and API tokens for the tests of app/api."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.api import credentials
from app.extensions import db


@pytest.fixture
def api_key(make):
    """(key, secret) of an Open311 client posting as a resident account of its own."""
    owner = make.user(Role.RESIDENT, display_name="میز ۱۳۷")
    key, secret = credentials.create_api_key(None, "311 desk", owner)
    db.session.commit()
    return key, secret


@pytest.fixture
def token_for(make):
    """token_for(user) -> a bearer header for that user."""

    def issue(user) -> dict:
        _token, secret = credentials.create_api_token(user, "tests")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return issue
