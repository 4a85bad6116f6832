"""Similar ideas while writing into a call: the call's own ideas come first, then the rest."""

import re

import pytest

from app.accounts.models import Role
from app.calls import services
from app.extensions import db
from app.moderation import workflow
from app.posts.models import PostKind, PostStatus

BENCH = "نیمکت سایه‌دار کنار ایستگاه اتوبوس بلوار سجاد"
BENCH_BODY = "کنار ایستگاه اتوبوس بلوار سجاد یک نیمکت سایه‌دار بگذارید تا مسافران زیر آفتاب نمانند."


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English (the messages below are English), chosen the way a visitor chooses it."""
    client.set_cookie("lang", "en")


def ids_of(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-post-id="(\d+)"', response.get_data(as_text=True))]


def test_the_calls_own_ideas_are_suggested_before_better_matches_elsewhere(client, make, open_call):
    call, _staff = open_call()
    outside = make.post(PostStatus.PUBLISHED, kind=PostKind.IDEA, title=BENCH, body=BENCH_BODY)
    inside = services.submit_idea(
        call, make.user(), title="سایه‌بان برای ایستگاه اتوبوس سجاد", body="ایستگاه اتوبوس بلوار سجاد سایه ندارد."
    )
    workflow.transition(inside, "approve", make.user(Role.MODERATOR))
    db.session.commit()
    draft = {"title": BENCH, "body": BENCH_BODY}
    everywhere = ids_of(client.post("/search/similar", data=draft | {"kind": "idea"}))
    assert everywhere[0] == outside.id and inside.id in everywhere  # the outside idea is the better match
    in_the_call = client.post(f"/calls/{call.id}/similar", data=draft)
    assert ids_of(in_the_call) == [inside.id, outside.id]
    assert "In this call" in client.post(f"/calls/{call.id}/similar", data=draft).get_data(as_text=True)


def test_a_pending_idea_of_the_call_is_never_suggested(client, make, open_call):
    call, _staff = open_call()
    pending = services.submit_idea(call, make.user(), title=BENCH, body=BENCH_BODY)
    db.session.commit()
    assert pending.id not in ids_of(client.post(f"/calls/{call.id}/similar", data={"title": BENCH}))


def test_odd_input_to_the_call_suggestions_is_left_out_not_refused(client, make, open_call):
    call, _staff = open_call()
    for data in ({}, {"title": "x" * 10_000}, {"title": BENCH, "category": "abc", "latitude": "north"}):
        response = client.post(f"/calls/{call.id}/similar", data=data)
        assert response.status_code == 200
    assert client.post("/calls/99999/similar", data={"title": BENCH}).status_code == 404


def test_the_idea_form_asks_the_calls_suggestions(client, make, auth, open_call):
    call, _staff = open_call()
    auth.login(make.user())
    page = client.get(f"/calls/{call.id}/ideas/new").get_data(as_text=True)
    assert f'hx-post="/calls/{call.id}/similar"' in page
