"""The load bench's residents are accounts the site accepts: a model change must break this test,
not a 200-resident run half an hour later."""

from __future__ import annotations

from bench.load import PASSWORD, add_residents


def test_the_load_benchs_residents_are_verified_and_sign_in(app, client):
    add_residents(app, 2)
    from app.accounts.models import User
    from app.extensions import db

    assert all(user.is_verified for user in db.session.scalars(db.select(User).where(User.email.like("load%"))))
    response = client.post("/login", data={"email": "load1@example.org", "password": PASSWORD})
    assert response.status_code == 302
    profile = client.get("/profile")
    assert profile.status_code == 200
    assert "load1@example.org" in profile.get_data(as_text=True)
