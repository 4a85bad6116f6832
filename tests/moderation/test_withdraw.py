"""An author withdraws their own post, whatever its status: it leaves the public, its votes are frozen,
its followers hear of it, and its timeline (with the city's answers) stays."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.departments import services as triage
from app.departments.models import Assignment
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import AuditEntry, StatusChange
from app.moderation.workflow import NOTE_MAX
from app.notifications.models import Notification
from app.posts import follows, votes
from app.posts.models import Post, PostStatus
from tests.factories import PASSWORD

REASON = "چاله را خودمان با همسایه‌ها پر کردیم."


def _withdraw(post, note=REASON):
    change = workflow.transition(post, "withdraw", post.author, note=note)
    db.session.commit()
    return change


def text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------------------ the service


@pytest.mark.parametrize("status", [s for s in PostStatus if s not in (PostStatus.WITHDRAWN, PostStatus.DUPLICATE)])
def test_the_author_withdraws_a_post_of_any_status_on_the_timeline_and_in_the_audit_log(make, status):
    post = make.post(status)
    change = _withdraw(post)
    assert post.status is PostStatus.WITHDRAWN and not post.is_public and not post.is_listed
    assert (change.from_status, change.to_status, change.actor_id, change.note) == (
        status,
        PostStatus.WITHDRAWN,
        post.author_id,
        REASON,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "withdraw"))
    assert entry.actor_id == post.author_id and entry.post_id == post.id


def test_nobody_else_withdraws_a_post_and_a_withdrawal_is_final(make):
    post = make.post()
    for actor in (make.user(), make.user(Role.MODERATOR), make.user(Role.ADMIN)):
        with pytest.raises(workflow.TransitionForbiddenError):
            workflow.transition(post, "withdraw", actor)
    _withdraw(post)
    with pytest.raises(workflow.TransitionError):
        _withdraw(post)
    with pytest.raises(workflow.TransitionError):
        workflow.transition(post, "reopen", make.user(Role.MODERATOR))


def test_votes_stay_counted_but_frozen(make):
    post = make.post()
    supporter = make.supporters(post, 2)[0]
    _withdraw(post)
    with pytest.raises(votes.VoteError):
        votes.cast_vote(supporter, post, votes.SUPPORT)  # taking a vote back is refused too
    with pytest.raises(votes.VoteError):
        votes.cast_vote(make.user(), post, votes.SUPPORT)
    db.session.rollback()
    assert db.session.get(Post, post.id).up_count == 2


def test_followers_hear_of_it_and_the_author_does_not(make):
    post = make.post()
    follower = make.user()
    follows.follow_post(follower, post)
    db.session.commit()
    change = _withdraw(post)
    told = db.session.scalars(select(Notification.user_id).where(Notification.status_change_id == change.id)).all()
    assert told == [follower.id]


def test_the_follower_reads_that_it_was_withdrawn_without_its_title(client, make, auth):
    post, follower = make.post(), make.user()
    follows.follow_post(follower, post)
    db.session.commit()
    _withdraw(post)
    auth.login(follower)
    page = text(client.get("/notifications/"))
    assert "پستی که دنبال می‌کردید را نویسنده‌اش پس گرفت" in page and post.title not in page


def test_a_forwarded_post_keeps_the_citys_answers_leaves_the_queue_and_the_staff_still_see_it(make, client, auth):
    post = make.post(PostStatus.FORWARDED)
    staff = make.user(Role.STAFF, department=post.department)
    workflow.transition(post, "acknowledge", staff, note="در برنامه‌ی هفته‌ی آینده است")
    triage.assign_post(post, staff, staff)
    db.session.commit()
    _withdraw(post)
    assert db.session.get(Assignment, post.id) is None
    moves = select(StatusChange).where(StatusChange.post_id == post.id).order_by(StatusChange.id)
    actions = [c.action for c in db.session.scalars(moves)]  # in order: PostgreSQL has no natural one
    assert actions == ["approve", "forward", "acknowledge", "withdraw"]
    auth.login(staff)
    page = text(client.get(f"/posts/{post.id}"))
    assert "در برنامه‌ی هفته‌ی آینده است" in page and REASON in page
    assert post.title not in text(client.get(f"/departments/{post.department.slug}"))


def test_a_withdrawn_duplicate_no_longer_counts_on_its_original(make):
    original, post = make.post(), make.post(PostStatus.PENDING)
    workflow.transition(post, "mark_duplicate", make.user(Role.MODERATOR), original=original)
    db.session.commit()
    assert db.session.get(Post, original.id).duplicate_count == 1
    _withdraw(post)
    db.session.expire_all()
    assert db.session.get(Post, original.id).duplicate_count == 0


# ------------------------------------------------------------------------------------- the pages


def test_the_author_confirms_then_withdraws_and_the_public_no_longer_sees_it(client, make, auth):
    post = make.post()
    follows.follow_post(make.user(), post)
    db.session.commit()
    auth.login(post.author)
    assert f'href="/posts/{post.id}/withdraw"' in text(client.get(f"/posts/{post.id}"))
    confirm = text(client.get(f"/posts/{post.id}/withdraw"))
    assert "پس گرفتن قطعی است" in confirm and "۱ شهروند" in confirm
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED  # the page alone changes nothing
    response = client.post(f"/posts/{post.id}/withdraw", data={"note": REASON})
    assert response.status_code == 302
    page = text(client.get(f"/posts/{post.id}"))
    assert "نویسنده این پست را پس گرفته است" in page and REASON in page
    assert f'href="/posts/{post.id}/edit"' not in page and f"/posts/{post.id}/withdraw" not in page
    auth.logout()
    assert client.get(f"/posts/{post.id}").status_code == 404
    assert post.title not in text(client.get("/posts"))


def test_a_too_long_reason_is_refused_and_kept(client, make, auth):
    post = make.post()
    auth.login(post.author)
    response = client.post(f"/posts/{post.id}/withdraw", data={"note": "ب" * (NOTE_MAX + 1)})
    assert response.status_code == 422 and 'id="note-error"' in text(response)
    assert "ب" * 50 in text(response)
    db.session.rollback()
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED


def test_an_empty_reason_is_fine(client, make, auth):
    post = make.post()
    auth.login(post.author)
    assert client.post(f"/posts/{post.id}/withdraw", data={"note": "  "}).status_code == 302
    db.session.rollback()
    assert db.session.get(Post, post.id).status is PostStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("role", "status", "codes"),
    [
        ("resident", PostStatus.PUBLISHED, (403, 403)),
        ("moderator", PostStatus.PUBLISHED, (403, 403)),
        ("resident", PostStatus.PENDING, (404, 404)),  # someone else's pending post: not even seen
        ("visitor", PostStatus.PUBLISHED, (302, 401)),  # the page sends to sign-in; a bare POST is refused
    ],
)
def test_only_the_author_withdraws(client, make, auth, role, status, codes):
    post = make.post(status)
    if role != "visitor":
        auth.login(make.user(Role(role)))
    assert client.get(f"/posts/{post.id}/withdraw").status_code == codes[0]
    assert client.post(f"/posts/{post.id}/withdraw", data={"note": ""}).status_code == codes[1]
    db.session.rollback()
    assert db.session.get(Post, post.id).status is status


def test_a_withdrawn_post_cannot_be_withdrawn_again_edited_voted_or_commented(client, make, auth):
    post = make.post(PostStatus.WITHDRAWN)
    auth.login(post.author)
    assert client.get(f"/posts/{post.id}/withdraw").status_code == 403
    assert client.post(f"/posts/{post.id}/edit", data={"title": post.title, "body": post.body}).status_code == 403
    auth.logout()
    auth.login(make.user())
    assert client.post(f"/posts/{post.id}/vote", data={"value": "1"}).status_code == 404
    auth.logout()
    auth.login(make.user(Role.MODERATOR))  # who still sees it: the vote is refused with a message
    response = client.post(f"/posts/{post.id}/vote", data={"value": "1"}, follow_redirects=True)
    assert "بسته" in text(response)
    assert client.post(f"/posts/{post.id}/comments", data={"body": "دیدگاهی برای آزمون"}).status_code == 403
    db.session.rollback()
    assert db.session.get(Post, post.id).up_count == 0


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_a_withdrawal_without_its_csrf_token_changes_nothing(client, make, csrf_on):
    post = make.post()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(client.get("/login"))).group(1)
    client.post("/login", data={"email": post.author.email, "password": PASSWORD, "csrf_token": token})
    assert client.post(f"/posts/{post.id}/withdraw", data={"note": ""}).status_code == 400
    db.session.rollback()
    assert db.session.get(Post, post.id).status is PostStatus.PUBLISHED
