""" "Is it fixed?": who is asked, answering yes or no, reopening, the reminder and the counts."""

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.extensions import db
from app.fixes import services
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.notifications.models import Notification, NotificationKind, OutboxEmail
from app.posts import follows
from app.posts.models import PostKind, PostStatus

NOT_FIXED = "هنوز چاله سر جایش است و آب جمع می‌شود."


@pytest.fixture
def resolved(make):
    """A problem with a follower, then resolved by its department."""

    def build(kind=PostKind.PROBLEM):
        post = make.post(PostStatus.IN_PROGRESS, kind=kind)
        follower = make.user()
        follows.follow_post(follower, post)
        staff = make.user(Role.STAFF, department=post.department)
        workflow.transition(post, "resolve", staff, note="آسفالت شد.")
        db.session.commit()
        return post, follower, staff

    return build


def _questions(post):
    return list(db.session.scalars(db.select(FixQuestion).where(FixQuestion.post_id == post.id)))


def test_resolving_a_problem_asks_its_author_and_followers_but_not_the_staff(resolved):
    post, follower, staff = resolved()
    assert {q.user_id for q in _questions(post)} == {post.author_id, follower.id}
    assert services.question_for(staff, post) is None
    assert all(q.answer is None for q in _questions(post))


def test_resolving_an_idea_asks_nobody(resolved):
    post, _follower, _staff = resolved(kind=PostKind.IDEA)
    assert _questions(post) == []


def test_the_resolution_notice_asks_whether_it_is_fixed_and_links_to_the_question(client, auth, resolved):
    _post, follower, _staff = resolved()
    auth.login(follower)
    client.set_cookie("lang", "en")  # this browser chose English
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Is it fixed? Tell us on the post." in page
    email = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.user_id == follower.id)).all()[-1]
    assert "#is-it-fixed" in email.body


def test_the_author_confirms_and_the_post_shows_the_count(client, auth, resolved):
    post, _follower, _staff = resolved()
    auth.login(post.author)
    assert "is-it-fixed" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/posts/{post.id}#is-it-fixed")
    assert services.fix_counts(post) == services.FixCounts(confirmed=1, disputed=0)
    client.set_cookie("lang", "en")  # this browser chose English
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "1 resident confirmed the fix" in page and "You said it is fixed." in page
    assert db.session.get(type(post), post.id).status is PostStatus.RESOLVED


def test_confirming_twice_counts_once(client, auth, resolved):
    post, _follower, _staff = resolved()
    auth.login(post.author)
    client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"})
    client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"})
    assert services.fix_counts(post).confirmed == 1


def test_no_without_a_note_is_refused_and_keeps_the_choice(client, auth, resolved):
    post, follower, _staff = resolved()
    auth.login(follower)
    client.set_cookie("lang", "en")  # this browser chose English
    response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": "   "})
    assert response.status_code == 422
    assert "Please say what is still wrong" in response.get_data(as_text=True)
    assert services.fix_counts(post).disputed == 0


def test_no_with_a_note_puts_it_on_the_timeline_and_before_the_moderators(client, auth, make, resolved):
    post, follower, _staff = resolved()
    auth.login(follower)
    response = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": NOT_FIXED})
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.status is PostStatus.RESOLVED  # the moderators decide; the resident only asks
    change = workflow.timeline(post)[-1]
    assert (change.action, change.actor_id, change.note) == ("dispute", follower.id, NOT_FIXED)
    client.set_cookie("lang", "en")  # this browser chose English
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Not fixed, says a resident" in page and NOT_FIXED in page and "1 says it is not fixed" in page
    # The author hears of it; moderators find it in their list and reopen it to the department.
    assert db.session.scalar(
        db.select(Notification).where(
            Notification.user_id == post.author_id, Notification.status_change_id == change.id
        )
    )
    auth.logout()
    moderator = make.user(Role.MODERATOR)
    auth.login(moderator)
    listing = client.get("/moderation/disputed").get_data(as_text=True)
    assert post.title in listing
    assert client.post(f"/moderation/posts/{post.id}/transition", data={"action": "reopen"}).status_code == 302
    db.session.refresh(post)
    assert post.status is PostStatus.FORWARDED and post.department_id is not None
    assert post.title not in client.get("/moderation/disputed").get_data(as_text=True)


def test_saying_no_twice_is_refused(client, auth, resolved):
    post, follower, _staff = resolved()
    auth.login(follower)
    client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": NOT_FIXED})
    again = client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "no", "note": NOT_FIXED})
    assert again.status_code == 409
    disputes = db.session.scalars(db.select(StatusChange).where(StatusChange.action == "dispute")).all()
    assert len(disputes) == 1


def test_a_dispute_made_through_the_workflow_route_is_counted_too(client, auth, resolved):
    post, _follower, _staff = resolved()
    auth.login(post.author)
    response = client.post(f"/moderation/posts/{post.id}/transition", data={"action": "dispute", "note": NOT_FIXED})
    assert response.status_code == 302
    assert services.fix_counts(post) == services.FixCounts(confirmed=0, disputed=1)


def test_the_workflow_buttons_do_not_offer_the_dispute(resolved):
    post, follower, _staff = resolved()
    assert workflow.available_transitions(follower, post) == []
    assert workflow.may_make(follower, workflow.TRANSITIONS["dispute"], post)


def test_a_new_resolution_asks_again_and_counts_afresh(client, auth, make, resolved):
    post, follower, staff = resolved()
    services.confirm_fix(post, follower)
    workflow.transition(post, "reopen", make.user(Role.MODERATOR))
    workflow.transition(post, "resolve", staff, note="این بار درست شد.")
    db.session.commit()
    assert services.fix_counts(post) == services.FixCounts()
    assert services.question_for(follower, post).answer is None
    assert len(_questions(post)) == 4


def test_a_later_follower_may_answer_without_having_been_asked(client, auth, make, resolved):
    post, _follower, _staff = resolved()
    newcomer = make.user()
    follows.follow_post(newcomer, post)
    db.session.commit()
    auth.login(newcomer)
    assert client.post(f"/posts/{post.id}/is-it-fixed", data={"answer": "yes"}).status_code == 302
    assert services.fix_counts(post).confirmed == 1


# The reminder, four weeks on


def _reminders(user) -> list[Notification]:
    return list(
        db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == NotificationKind.FIX_QUESTION
            )
        )
    )


def test_no_reminder_before_four_weeks(resolved):
    _post, _follower, _staff = resolved()
    assert services.remind_unanswered(utcnow() + timedelta(days=27)) == 0


def test_those_who_did_not_answer_are_reminded_once_after_four_weeks(resolved):
    post, follower, _staff = resolved()
    services.confirm_fix(post, post.author)
    later = utcnow() + timedelta(days=28, minutes=1)
    assert services.remind_unanswered(later) == 1
    db.session.commit()
    assert len(_reminders(follower)) == 1 and _reminders(post.author) == []
    assert services.remind_unanswered(later + timedelta(days=60)) == 0
    email = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.user_id == follower.id)).all()[-1]
    assert f"/posts/{post.id}#is-it-fixed" in email.body


def test_no_reminder_once_the_post_was_reopened(make, resolved):
    post, _follower, _staff = resolved()
    workflow.transition(post, "reopen", make.user(Role.MODERATOR))
    db.session.commit()
    assert services.remind_unanswered(utcnow() + timedelta(days=29)) == 0


def test_the_remind_command_reports_its_count(app, runner, resolved):
    _post, _follower, _staff = resolved()
    db.session.execute(db.update(FixQuestion).values(asked_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    result = runner.invoke(args=["fixes", "remind"])
    assert result.exit_code == 0, result.output
    assert "Reminded 2 residents" in result.output
    assert db.session.scalar(db.select(db.func.count()).where(FixQuestion.reminded_at.is_not(None))) == 2
    assert "Reminded 0 residents" in runner.invoke(args=["fixes", "remind"]).output


def test_a_dispute_is_stored_as_the_residents_answer(resolved):
    post, follower, _staff = resolved()
    services.dispute_fix(post, follower, NOT_FIXED)
    db.session.commit()
    question = services.question_for(follower, post)
    assert (question.answer, question.note) == (FixAnswer.DISPUTED, NOT_FIXED)
