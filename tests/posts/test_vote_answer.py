"""The answer to a vote cast with htmx (app.posts.vote_answer): drawn once per kind of answer and
filled in for each vote, it is what the widget's macro draws, byte for byte, and each answer carries
its own post, counts and token."""

from __future__ import annotations

import re

import pytest
from flask import get_template_attribute
from flask_login import login_user

from app.extensions import db
from app.posts.models import PostKind, PostStatus
from app.posts.vote_answer import _StandIn, vote_answer
from app.posts.votes import OPPOSE, SUPPORT, cast_vote
from tests.core.test_page_versions import sign_in, tokens

HTMX = {"HX-Request": "true"}


def _macro(post, my_vote: int) -> str:
    return str(get_template_attribute("_macros.html", "vote_widget")(post, my_vote))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_kind_of_answer_is_what_the_macro_draws(app, make, language):
    voter = make.user(locale=language)
    problem, idea, closed = make.post(), make.post(kind=PostKind.IDEA), make.post(PostStatus.RESOLVED)
    crowded = make.post(kind=PostKind.IDEA)  # counts with separators, and a support below zero
    crowded.up_count, crowded.down_count, crowded.support = 12345, 20000, -7655
    own = make.post(author=voter)
    blocked = make.user(is_blocked=True)
    cases = [(problem, (0, SUPPORT)), (idea, (0, SUPPORT, OPPOSE)), (crowded, (0, SUPPORT, OPPOSE)), (closed, (0,))]
    with app.test_request_context("/"):
        login_user(voter)
        for post, states in [*cases, (own, (0,))]:
            for state in states:
                first, again = vote_answer(post, state), vote_answer(post, state)  # drawn, then kept
                assert first == again == _macro(post, state), (post.kind, post.status, state)
        assert f'id="vote-{crowded.id}"' in vote_answer(crowded, OPPOSE)
    with app.test_request_context("/"):
        login_user(blocked)  # may not take part: no buttons
        assert vote_answer(problem, 0) == _macro(problem, 0)
        assert "<form" not in vote_answer(problem, 0)


def test_a_widget_that_reads_more_of_the_post_than_the_answer_is_kept_by_fails_loudly(app, make):
    with app.test_request_context("/"):
        login_user(make.user())
        stand_in = _StandIn(make.post(), is_own=False)
        with pytest.raises(RuntimeError, match=r"post\.title"):
            _ = stand_in.title


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}  # as in production: the answer's form carries a token


def test_answers_on_two_posts_each_carry_their_own_post_counts_and_a_token_that_works(app, make):
    few, many = make.post(), make.post()
    make.supporters(many, 1233)  # (1,234 once voted: a separator)
    voter = make.user()
    client = app.test_client()
    sign_in(client, voter)
    token = next(iter(tokens(client.get(f"/posts/{few.id}").get_data(as_text=True))))
    answers = {}
    for post in (few, many):
        response = client.post(f"/posts/{post.id}/vote", data={"value": "1", "csrf_token": token}, headers=HTMX)
        assert response.status_code == 200
        answers[post.id] = response.get_data(as_text=True)
        (token,) = tokens(answers[post.id])  # the next vote is cast with the token the answer carries
    assert re.search(r'<span class="vote-number">۱</span>', answers[few.id])
    assert re.search(r'<span class="vote-number">۱٬۲۳۴</span>', answers[many.id])
    for post, other in ((few, many), (many, few)):
        assert f'id="vote-{post.id}"' in answers[post.id] and f"/posts/{post.id}/vote" in answers[post.id]
        assert f"vote-{other.id}" not in answers[post.id] and f"/posts/{other.id}/" not in answers[post.id]
    # The last answer's token takes the vote back, as the button in that answer would.
    taken_back = client.post(f"/posts/{many.id}/vote", data={"value": "1", "csrf_token": token}, headers=HTMX)
    assert taken_back.status_code == 200 and 'aria-pressed="true"' not in taken_back.get_data(as_text=True)
    db.session.rollback()
    assert cast_vote(voter, few, SUPPORT) == 0  # (the first vote was counted: the same vote takes it back)
