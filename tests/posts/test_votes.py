"""Vote arithmetic, vote rules, the hot order and exact counters under concurrency."""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.cache import current_versions
from app.core.db import utcnow
from app.extensions import db
from app.posts import hot
from app.posts.models import Post, PostKind, PostStatus, Vote
from app.posts.votes import OPPOSE, SUPPORT, HeldVote, VoteError, cast_vote, post_to_vote_on, user_vote
from app.search.models import SearchQueue

ROOT = Path(__file__).resolve().parents[2]


def test_support_then_again_takes_the_vote_back(make):
    post, voter = make.post(), make.user()
    assert cast_vote(voter, post, SUPPORT) == SUPPORT
    assert (post.up_count, post.support) == (1, 1)
    assert cast_vote(voter, post, SUPPORT) == 0
    assert (post.up_count, post.support) == (0, 0)
    assert user_vote(voter, post) == 0


def test_the_post_to_vote_on_comes_with_the_voters_own_vote_only(make):
    post, voter, other = make.post(), make.user(), make.user()
    assert post_to_vote_on(voter, post.id) == (post, None)
    cast_vote(voter, post, SUPPORT)
    found, held = post_to_vote_on(voter, post.id)
    assert found is post and isinstance(held, HeldVote) and held.value == SUPPORT
    assert post_to_vote_on(other, post.id) == (post, None)
    assert post_to_vote_on(voter, post.id + 1000) is None


def test_a_vote_read_before_it_changed_elsewhere_is_read_again_and_the_counters_stay_exact(make):
    post, voter = make.post(), make.user()
    _post, read_with_no_vote = post_to_vote_on(voter, post.id)
    cast_vote(voter, post, SUPPORT)  # another request of the same voter, between the read and the vote
    # The INSERT finds the vote there: read again, the same vote takes it back.
    assert cast_vote(voter, post, SUPPORT, held=read_with_no_vote) == 0
    assert (post.up_count, post.support, user_vote(voter, post)) == (0, 0, 0)
    # The other way round: a vote read as held that was taken back since is not "taken back" again.
    cast_vote(voter, post, SUPPORT)
    _post, read_as_held = post_to_vote_on(voter, post.id)
    cast_vote(voter, post, SUPPORT)
    assert cast_vote(voter, post, SUPPORT, held=read_as_held) == SUPPORT
    assert (post.up_count, post.support, user_vote(voter, post)) == (1, 1, SUPPORT)


def test_a_vote_moves_its_posts_version_and_the_lists_and_queues_the_post_but_leaves_the_site(make):
    post, voter = make.post(), make.user()
    db.session.commit()
    queued = select(func.count()).select_from(SearchQueue).where(SearchQueue.post_id == post.id)
    site, lists, version = current_versions(post.id, in_session=True)
    waiting = db.session.scalar(queued)
    cast_vote(voter, post, SUPPORT)
    assert current_versions(post.id, in_session=True) == (site, lists + 1, version + 1)
    assert db.session.scalar(queued) == waiting + 1  # (the index's support: the worker's next round)


def test_changing_an_idea_vote_moves_it_between_counters(make):
    idea, voter = make.post(kind=PostKind.IDEA), make.user()
    cast_vote(voter, idea, SUPPORT)
    assert cast_vote(voter, idea, OPPOSE) == OPPOSE
    assert (idea.up_count, idea.down_count, idea.support) == (0, 1, -1)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1


def test_many_voters_add_up(make):
    idea = make.post(kind=PostKind.IDEA)
    for value in (SUPPORT, SUPPORT, SUPPORT, OPPOSE):
        cast_vote(make.user(), idea, value)
    assert (idea.up_count, idea.down_count, idea.support) == (3, 1, 2)


def test_problems_can_only_be_supported(make):
    with pytest.raises(VoteError):
        cast_vote(make.user(), make.post(kind=PostKind.PROBLEM), OPPOSE)


def test_nobody_votes_on_their_own_post(make):
    post = make.post()
    with pytest.raises(VoteError):
        cast_vote(post.author, post, SUPPORT)


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.REJECTED, PostStatus.RESOLVED, PostStatus.DECLINED])
def test_closed_or_unpublished_posts_take_no_votes(make, status):
    with pytest.raises(VoteError):
        cast_vote(make.user(), make.post(status), SUPPORT)


def test_blocked_users_and_unknown_values_are_refused(make):
    post = make.post()
    with pytest.raises(VoteError):
        cast_vote(make.user(is_blocked=True), post, SUPPORT)
    with pytest.raises(VoteError):
        cast_vote(make.user(), post, 2)


def test_a_vote_counts_half_after_one_half_life():
    now = utcnow()
    assert hot.weight(now) / hot.weight(now - timedelta(days=hot.HALF_LIFE_DAYS)) == pytest.approx(2.0)
    assert hot.decayed_support(hot.weight(now), now) == pytest.approx(1.0)


def test_recent_votes_beat_more_but_older_votes_in_the_hot_order():
    now = utcnow()
    fresh = sum(hot.weight(now - timedelta(days=1)) for _ in range(5))
    stale = sum(hot.weight(now - timedelta(days=40)) for _ in range(20))
    assert fresh > stale
    # ... but among posts of the same age, more support ranks higher.
    assert 6 * hot.weight(now) > 5 * hot.weight(now)


def test_taking_a_vote_back_restores_the_hot_score(make):
    post, voter = make.post(), make.user()
    before = post.hot_score
    cast_vote(voter, post, SUPPORT)
    assert post.hot_score > before
    cast_vote(voter, post, SUPPORT)
    assert post.hot_score == pytest.approx(before)


def test_concurrent_votes_through_the_web_keep_counters_exact(app, make):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # 24 residents sign in from the one test address
    post = make.post(kind=PostKind.IDEA)
    post_id = post.id
    emails = [make.user().email for _ in range(24)]
    errors: list[str] = []

    def vote_as(email, value, times):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "correct horse battery"})
        if response.status_code != 302:
            errors.append(f"login {response.status_code}")
        for _ in range(times):
            response = client.post(f"/posts/{post_id}/vote", data={"value": str(value)})
            if response.status_code != 302:
                errors.append(f"vote {response.status_code}")

    # Each voter votes an odd number of times, so each ends holding one vote.
    threads = [
        threading.Thread(target=vote_as, args=(email, SUPPORT if i % 3 else OPPOSE, 1 + 2 * (i % 2)))
        for i, email in enumerate(emails)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()  # end this thread's read snapshot before looking
    post = db.session.get(Post, post_id)
    ups = db.session.scalar(select(func.count()).where(Vote.post_id == post_id, Vote.value == 1))
    downs = db.session.scalar(select(func.count()).where(Vote.post_id == post_id, Vote.value == -1))
    assert (ups, downs) == (16, 8)
    assert (post.up_count, post.down_count, post.support) == (ups, downs, ups - downs)


def test_the_voting_module_imports_on_its_own():
    """A process that votes without the web app (the bench's writer, a script) imports this module
    before the other models: nothing of it may set the mappers up at import."""
    program = "import app.posts.votes as votes; assert callable(votes.cast_vote)"
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
