"""Duplicates handled safely: confirmed beside the original, supporters moved once each, and undone honestly."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import duplicates, workflow
from app.moderation.models import AuditEntry, MovedVote, StatusChange
from app.posts import votes
from app.posts.maintenance import counter_drift
from app.posts.models import Post, PostStatus
from tests.accounts.helpers import csrf_token

HERE = {"latitude": 36.2880, "longitude": 59.6157}
FAR = {"latitude": 36.3500, "longitude": 59.6157}  # about 6.9 km north


@pytest.fixture
def moderator(make):
    return make.user(Role.MODERATOR)


@pytest.fixture
def pair(make):
    """An original with one supporter, and a published copy whose supporters are: a new voter, that
    same supporter, and the original's author."""
    original = make.post(PostStatus.PUBLISHED, title="چاله‌ی بزرگ جلوی ایستگاه حرم", **HERE)
    copy = make.post(PostStatus.PUBLISHED, title="چاله‌ی عمیق جلوی ایستگاه حرم", **HERE)
    [both] = make.supporters(original, 1)
    [new] = make.supporters(copy, 1)
    for voter in (both, original.author):
        votes.cast_vote(voter, copy, votes.SUPPORT)
    db.session.commit()
    return original, copy, new, both


def _fresh(*posts):
    db.session.expire_all()
    return [db.session.get(Post, post.id) for post in posts]


# ------------------------------------------------------------------------------------- services


def test_moving_supporters_counts_each_voter_once_on_the_original(make, moderator, pair):
    original, copy, new, both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert (original.up_count, original.support, copy.up_count, copy.support) == (2, 2, 0, 0)
    assert votes.user_vote(new, original) == votes.SUPPORT and votes.user_vote(both, original) == votes.SUPPORT
    assert votes.user_vote(original.author, original) == 0  # nobody supports their own post
    assert counter_drift() == []
    added = {row.user_id: row.added_to_original for row in db.session.query(MovedVote)}
    assert added == {new.id: True, both.id: False, original.author_id: False}
    entry = db.session.query(AuditEntry).filter_by(action="move_supporters").one()
    assert entry.details == {"to": original.id, "moved": 3, "added": 1, "already_there": 2}


def test_without_moving_supporters_the_votes_stay_on_the_duplicate(make, moderator, pair):
    original, copy, _new, _both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert (original.up_count, copy.up_count) == (1, 3)
    assert db.session.query(MovedVote).count() == 0


def test_not_a_duplicate_takes_the_post_back_and_gives_its_supporters_back(make, moderator, pair, runner):
    original, copy, _new, both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    change = workflow.transition(copy, "not_duplicate", moderator, note="دو مشکل جدا هستند.")
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert (change.from_status, change.to_status) == (PostStatus.DUPLICATE, PostStatus.PUBLISHED)
    assert copy.status is PostStatus.PUBLISHED and copy.duplicate_of_id is None and copy.is_listed
    assert original.duplicate_count == 0
    assert (original.up_count, copy.up_count) == (1, 3)  # as before the mark
    assert votes.user_vote(both, original) == votes.SUPPORT  # their own vote there was never touched
    assert all(row.returned_at is not None for row in db.session.query(MovedVote))
    result = runner.invoke(args=["posts", "recount", "--check"])
    assert result.exit_code == 0 and "0 counters differ" in result.output
    assert db.session.query(AuditEntry).filter_by(action="return_supporters").one().details == {
        "from": original.id,
        "moved": 3,
        "returned": 3,
        "kept_their_choice": 0,
    }


def test_a_voter_who_withdrew_the_moved_vote_is_not_made_to_support_the_duplicate_again(make, moderator, pair):
    original, copy, new, _both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    assert votes.cast_vote(new, original, votes.SUPPORT) == 0  # the same vote again takes it back
    db.session.commit()
    workflow.transition(copy, "not_duplicate", moderator)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert votes.user_vote(new, copy) == 0 and votes.user_vote(new, original) == 0
    assert (original.up_count, copy.up_count) == (1, 2)
    assert counter_drift() == []


def test_a_vote_cast_again_after_the_move_is_the_voters_and_stays(make, moderator, pair):
    original, copy, new, _both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    votes.cast_vote(new, original, votes.SUPPORT)  # withdrawn…
    votes.cast_vote(new, original, votes.SUPPORT)  # …and cast again, now: their own choice
    db.session.commit()
    workflow.transition(copy, "not_duplicate", moderator)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert votes.user_vote(new, original) == votes.SUPPORT and votes.user_vote(new, copy) == 0
    assert counter_drift() == []


def test_a_pending_post_marked_by_mistake_goes_back_to_the_queue(make, moderator):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    workflow.transition(copy, "mark_duplicate", moderator, original=original)
    workflow.transition(copy, "not_duplicate", moderator)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert copy.status is PostStatus.PENDING and original.duplicate_count == 0
    actions = [c.action for c in db.session.query(StatusChange).filter_by(post_id=copy.id).order_by(StatusChange.id)]
    assert actions == ["mark_duplicate", "not_duplicate"]


def test_marked_again_after_an_undo_its_supporters_can_move_again(make, moderator, pair):
    original, copy, _new, _both = pair
    for _round in range(2):
        workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
        workflow.transition(copy, "not_duplicate", moderator)
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    original, copy = _fresh(original, copy)
    assert (original.up_count, copy.up_count, original.duplicate_count) == (2, 0, 1)
    assert duplicates.moved_supporter_count(copy) == 3
    assert counter_drift() == []


def test_residents_and_staff_cannot_undo_a_duplicate(make, moderator):
    copy = make.post(PostStatus.PENDING)
    workflow.transition(copy, "mark_duplicate", moderator, original=make.post())
    for actor in (make.user(), make.user(Role.STAFF), copy.author):
        with pytest.raises(workflow.TransitionForbiddenError):
            workflow.transition(copy, "not_duplicate", actor)


def test_distance_between_posts_and_the_one_click_limit(app, make):
    near, far, nowhere = make.post(**HERE), make.post(**FAR), make.post()
    here = make.post(**HERE)
    assert duplicates.distance_m(here, near) == pytest.approx(0, abs=1)
    assert 6500 < duplicates.distance_m(here, far) < 7500
    assert duplicates.distance_m(here, nowhere) is None
    assert duplicates.is_far(duplicates.distance_m(here, far)) and not duplicates.is_far(None)
    app.config["DUPLICATE_ONE_CLICK_KM"] = 10
    assert not duplicates.is_far(duplicates.distance_m(here, far))


# --------------------------------------------------------------------------------------- routes


def test_the_confirmation_shows_both_posts_side_by_side_and_changes_nothing(client, auth, make, moderator, pair):
    original, copy, _new, _both = pair
    auth.login(moderator)
    response = client.get(f"/moderation/posts/{copy.id}/duplicate?original={original.id}&next=/moderation/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    sides = html.split('class="row g-3 mb-3 duplicate-pair"')[1]
    assert sides.index(copy.title) < sides.index(original.title)
    assert 'name="move_supporters"' in html and 'href="/moderation/"' in html  # cancel goes back
    assert _fresh(copy)[0].status is PostStatus.PUBLISHED


def test_confirming_with_the_option_moves_the_supporters(client, auth, make, moderator, pair):
    original, copy, _new, _both = pair
    auth.login(moderator)
    response = client.post(
        f"/moderation/posts/{copy.id}/duplicate",
        data={"original": original.id, "move_supporters": "y", "note": "همان چاله است.", "next": "/moderation/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    original, copy = _fresh(original, copy)
    assert copy.status is PostStatus.DUPLICATE and (original.up_count, copy.up_count) == (2, 0)
    assert db.session.query(StatusChange).filter_by(post_id=copy.id).order_by(StatusChange.id.desc()).first().note == (
        "همان چاله است."
    )


def test_the_option_is_not_offered_for_a_post_without_supporters(client, auth, make, moderator):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    auth.login(moderator)
    html = client.get(f"/moderation/posts/{copy.id}/duplicate?original={original.id}").get_data(as_text=True)
    assert 'name="move_supporters"' not in html


def test_a_far_original_is_shown_with_a_warning(client, auth, make, moderator):
    original, copy = make.post(**FAR), make.post(PostStatus.PENDING, **HERE)
    auth.login(moderator)
    html = client.get(f"/moderation/posts/{copy.id}/duplicate?original={original.id}").get_data(as_text=True)
    assert "alert alert-warning" in html.split("duplicate-distance")[0][-80:]


@pytest.mark.parametrize("original", ["", "abc", "999999", "9" * 30, "self", "pending", "duplicate"])
def test_a_bad_original_is_explained_beside_the_number_and_nothing_changes(client, auth, make, moderator, original):
    copy = make.post(PostStatus.PENDING)
    others = {"self": copy, "pending": make.post(PostStatus.PENDING), "duplicate": make.post(PostStatus.PENDING)}
    workflow.transition(others["duplicate"], "mark_duplicate", moderator, original=make.post())
    db.session.commit()
    number = str(others[original].id) if original in others else original
    auth.login(moderator)
    for response in (
        client.get(f"/moderation/posts/{copy.id}/duplicate?original={number}"),
        client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": number, "note": "نوشته‌ی من"}),
    ):
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert re.search(r'name="original"[^>]*is-invalid|is-invalid[^>]*name="original"', html)
        assert "duplicate-pair" not in html
    assert "نوشته‌ی من" in html  # what was typed is kept
    assert _fresh(copy)[0].status is PostStatus.PENDING


def test_a_note_too_long_is_refused_and_kept(client, auth, make, moderator):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    auth.login(moderator)
    note = "ن" * (workflow.NOTE_MAX + 1)
    response = client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original.id, "note": note})
    assert response.status_code == 422 and note in response.get_data(as_text=True)
    assert _fresh(copy)[0].status is PostStatus.PENDING


def test_a_post_already_handled_cannot_be_marked(client, auth, make, moderator):
    original, copy = make.post(), make.post(PostStatus.REJECTED)
    auth.login(moderator)
    response = client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original.id})
    assert response.status_code == 422
    assert _fresh(copy)[0].status is PostStatus.REJECTED


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.STAFF])
def test_only_moderators_open_or_confirm_the_page(client, auth, make, role):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    if role is not None:
        auth.login(make.user(role))
    expected = 302 if role is None else 403  # visitors sign in first
    assert client.get(f"/moderation/posts/{copy.id}/duplicate?original={original.id}").status_code == expected
    assert client.post(f"/moderation/posts/{copy.id}/duplicate", data={"original": original.id}).status_code in (
        expected,
        401,
    )
    assert _fresh(copy)[0].status is PostStatus.PENDING


def test_an_unknown_post_is_not_found(client, auth, moderator):
    auth.login(moderator)
    assert client.get("/moderation/posts/999999/duplicate?original=1").status_code == 404


def test_the_one_click_form_of_before_leads_to_the_confirmation(client, auth, make, moderator):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    auth.login(moderator)
    response = client.post(
        f"/moderation/posts/{copy.id}/transition",
        data={"action": "mark_duplicate", "original": original.id, "next": "/moderation/"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/moderation/posts/{copy.id}/duplicate?original={original.id}&next=/moderation/"
    )
    assert _fresh(copy)[0].status is PostStatus.PENDING


def test_undo_from_the_post_page_says_what_comes_back(client, auth, make, moderator, pair):
    original, copy, _new, _both = pair
    workflow.transition(copy, "mark_duplicate", moderator, original=original, move_supporters=True)
    db.session.commit()
    auth.login(moderator)
    html = client.get(f"/posts/{copy.id}").get_data(as_text=True)
    assert 'value="not_duplicate"' in html and "۳ حامی" in html
    response = client.post(f"/moderation/posts/{copy.id}/transition", data={"action": "not_duplicate"})
    assert response.status_code == 302
    original, copy = _fresh(original, copy)
    assert copy.status is PostStatus.PUBLISHED and copy.up_count == 3
    html = client.get(f"/posts/{copy.id}").get_data(as_text=True)
    assert "تکراری نبود" in html.split('id="timeline-title"')[1]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STAFF])
def test_others_cannot_undo_a_duplicate(client, auth, make, moderator, role):
    copy = make.post(PostStatus.PENDING)
    workflow.transition(copy, "mark_duplicate", moderator, original=make.post())
    db.session.commit()
    auth.login(make.user(role))
    assert client.post(f"/moderation/posts/{copy.id}/transition", data={"action": "not_duplicate"}).status_code in (
        403,
        404,
    )
    assert _fresh(copy)[0].status is PostStatus.DUPLICATE


def test_undoing_what_is_no_duplicate_is_a_conflict(client, auth, make, moderator):
    post = make.post()
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{post.id}/transition", data={"action": "not_duplicate"}).status_code == 409


def test_a_foreign_next_address_leads_to_the_post_instead(client, auth, make, moderator):
    original, copy = make.post(), make.post(PostStatus.PENDING)
    auth.login(moderator)
    html = client.get(f"/moderation/posts/{copy.id}/duplicate?original={original.id}&next=//evil.example").get_data(
        as_text=True
    )
    form = html.split('class="card card-body duplicate-confirm"')[1].split("</form>")[0]
    assert "evil.example" not in form and f'href="/posts/{copy.id}"' in form  # cancel goes to the post
    data = {"original": original.id, "next": "//evil.example"}
    response = client.post(f"/moderation/posts/{copy.id}/duplicate", data=data)
    assert response.headers["Location"] == f"/posts/{copy.id}"


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_confirming_needs_the_token_of_the_page(self, client, make, moderator):
        original, copy = make.post(), make.post(PostStatus.PENDING)
        token = csrf_token(client, "/login")
        client.post("/login", data={"email": moderator.email, "password": "correct horse battery", "csrf_token": token})
        url = f"/moderation/posts/{copy.id}/duplicate"
        assert client.post(url, data={"original": original.id}).status_code == 400
        assert _fresh(copy)[0].status is PostStatus.PENDING
        token = csrf_token(client, f"{url}?original={original.id}")
        assert client.post(url, data={"original": original.id, "csrf_token": token}).status_code == 302
        assert _fresh(copy)[0].status is PostStatus.DUPLICATE
        undo = f"/moderation/posts/{copy.id}/transition"
        assert client.post(undo, data={"action": "not_duplicate"}).status_code in (400, 422)
        assert _fresh(copy)[0].status is PostStatus.DUPLICATE
        token = csrf_token(client, f"/posts/{copy.id}")
        assert client.post(undo, data={"action": "not_duplicate", "csrf_token": token}).status_code == 302
        assert _fresh(copy)[0].status is PostStatus.PENDING


# ------------------------------------------------------------------------------ the pending queue

TEXT = "یک چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم هست که مسافران شب‌ها در آن زمین می‌خورند."


def _card(html: str, post) -> str:
    return html.split(f'id="pending-{post.id}"')[1].split("</article>")[0]


def test_each_pending_card_lists_the_best_two_similar_posts_and_folds_the_rest(client, auth, make, moderator):
    for n in range(5):
        make.post(title=f"چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم {n}", body=TEXT, **HERE)
    pending = make.post(PostStatus.PENDING, title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=TEXT, **HERE)
    auth.login(moderator)
    card = _card(client.get("/moderation/").get_data(as_text=True), pending)
    shown, folded = card.split('<details class="similar-more">')
    assert shown.count('class="similar-item') == 2 and folded.count('class="similar-item') == 3
    assert "۳ مورد دیگر" in folded.split("</summary>")[0]


def test_a_similar_problem_far_away_is_dimmed_and_has_no_one_click_mark(client, auth, make, moderator):
    near = make.post(title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=TEXT, **HERE)
    far = make.post(title="چاله‌ی عمیق جلوی ایستگاه اتوبوس", body=TEXT, **FAR)
    pending = make.post(PostStatus.PENDING, title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=TEXT, **HERE)
    auth.login(moderator)
    card = _card(client.get("/moderation/").get_data(as_text=True), pending)
    items = {
        int(re.search(r'href="/posts/(\d+)"', item).group(1)): item
        for item in re.findall(r'<li class="similar-item.*?</li>', card, re.S)
    }
    assert f"original={near.id}" in items[near.id] and "similar-far" not in items[near.id]
    assert "original=" not in items[far.id] and "similar-far" in items[far.id]
    assert "احتمالاً مشکل دیگری است" in items[far.id]


def test_the_one_click_distance_is_a_setting(app, client, auth, make, moderator):
    app.config["DUPLICATE_ONE_CLICK_KM"] = 10
    far = make.post(title="چاله‌ی عمیق جلوی ایستگاه اتوبوس", body=TEXT, **FAR)
    pending = make.post(PostStatus.PENDING, title="چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", body=TEXT, **HERE)
    auth.login(moderator)
    card = _card(client.get("/moderation/").get_data(as_text=True), pending)
    assert f"original={far.id}" in card and "similar-far" not in card
