"""In-app notifications: who hears about what, the bell, the list, marking read, and preferences."""

import re

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.notifications.models import Delivery, EmailState, Notification, NotificationKind, OutboxEmail
from app.notifications.services import set_preferences
from app.posts import follows
from app.posts.models import PostStatus


def _kinds(user) -> list[NotificationKind]:
    return [n.kind for n in db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]


def test_the_author_and_followers_hear_of_status_changes_but_not_the_actor(make):
    post = make.post(PostStatus.PUBLISHED)
    follower = make.user()
    follows.follow_post(follower, post)
    moderator = make.user(Role.MODERATOR)
    workflow.transition(post, "forward", moderator)
    db.session.commit()
    assert _kinds(post.author)[-1] is NotificationKind.STATUS_CHANGE
    assert _kinds(follower) == [NotificationKind.STATUS_CHANGE]
    assert _kinds(moderator) == []


def test_a_departments_response_is_an_official_response(make):
    post = make.post(PostStatus.FORWARDED)
    workflow.transition(post, "resolve", make.user(Role.STAFF, department=post.department), note="انجام شد")
    db.session.commit()
    assert _kinds(post.author)[-1] is NotificationKind.OFFICIAL_RESPONSE


def test_a_reply_notifies_the_comment_author_and_other_followers_hear_of_a_new_comment(make):
    post = make.post(PostStatus.PUBLISHED)
    commenter, replier, follower = make.user(), make.user(), make.user()
    follows.follow_post(follower, post)
    comment = make.comment(post, author=commenter)
    make.comment(post, author=replier, parent=comment)
    assert _kinds(commenter) == [NotificationKind.COMMENT_REPLY]
    assert _kinds(follower) == [NotificationKind.FOLLOWED_COMMENT, NotificationKind.FOLLOWED_COMMENT]
    assert _kinds(post.author)[-2:] == [NotificationKind.FOLLOWED_COMMENT] * 2
    assert _kinds(replier) == []


def test_the_bell_shows_the_unread_count(client, auth, make):
    post = make.post(PostStatus.PENDING)
    make.move(post, PostStatus.PUBLISHED)
    auth.login(post.author)
    page = client.get("/").get_data(as_text=True)
    bell = (
        page.split('id="notification-bell"')[0].rsplit("<a", 1)[1]
        + page.split('id="notification-bell"')[1].split("</a>")[0]
    )
    assert "۱" in bell


def test_the_list_shows_what_happened_and_opening_marks_it_read(client, auth, make):
    post = make.post(PostStatus.PENDING, title="چراغ‌های کوچه‌ی ما خاموش است")
    make.move(post, PostStatus.PUBLISHED)
    auth.login(post.author)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "چراغ‌های کوچه‌ی ما خاموش است" in page
    notification = db.session.query(Notification).filter_by(user_id=post.author_id).one()
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}")
    assert db.session.get(Notification, notification.id).read_at is not None


def test_mark_one_and_mark_all_read(client, auth, make):
    post = make.post(PostStatus.FORWARDED)
    auth.login(post.author)
    first, *rest = db.session.query(Notification).filter_by(user_id=post.author_id).all()
    assert client.post(f"/notifications/{first.id}/read").status_code == 302
    assert client.post("/notifications/read-all").status_code == 302
    assert db.session.query(Notification).filter(Notification.read_at.is_(None)).count() == 0
    assert rest


def test_nobody_reads_or_marks_another_users_notifications(client, auth, make):
    post = make.post(PostStatus.FORWARDED)
    notification = db.session.query(Notification).filter_by(user_id=post.author_id).first()
    auth.login(make.user())
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    assert client.post(f"/notifications/{notification.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert db.session.get(Notification, notification.id).read_at is None


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications/").status_code == 302


def test_preferences_decide_between_no_email_an_email_and_the_digest(make):
    post = make.post(PostStatus.PENDING)
    set_preferences(post.author, {NotificationKind.STATUS_CHANGE: Delivery.NONE})
    db.session.commit()
    make.move(post, PostStatus.PUBLISHED)
    assert db.session.query(OutboxEmail).count() == 0
    assert db.session.query(Notification).filter_by(user_id=post.author_id).one().email_state is EmailState.NONE


def test_new_comments_go_to_the_digest_by_default(make):
    post = make.post(PostStatus.PUBLISHED)
    make.comment(post)
    notification = (
        db.session.query(Notification).filter_by(user_id=post.author_id, kind=NotificationKind.FOLLOWED_COMMENT).one()
    )
    assert notification.email_state is EmailState.DIGEST
    assert db.session.query(OutboxEmail).filter_by(user_id=post.author_id).count() == 1  # only "published"


def test_the_settings_page_saves_a_choice_per_kind(client, auth, make):
    user = make.user()
    auth.login(user)
    data = {kind.value: "daily" for kind in NotificationKind} | {"moderation": "none"}
    assert client.post("/notifications/settings", data=data).status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert re.search(
        r'checked class="form-check-input" id="moderation-\d" name="moderation" type="radio" value="none"', page
    )
    assert re.search(
        r'checked class="form-check-input" id="comment_reply-\d" name="comment_reply" type="radio" value="daily"', page
    )


@pytest.mark.parametrize("data", [{}, {"status_change": "hourly"}])
def test_bad_settings_are_refused(client, auth, make, data):
    auth.login(make.user())
    assert client.post("/notifications/settings", data=data).status_code == 422


def test_a_notification_about_a_post_that_is_no_longer_public_hides_its_title(client, auth, make):
    post = make.post(PostStatus.PUBLISHED, title="عنوانی که دیگر عمومی نیست")
    follower = make.user()
    follows.follow_post(follower, post)
    workflow.transition(post, "forward", make.user(Role.MODERATOR))
    post.is_hidden = True
    db.session.commit()
    auth.login(follower)
    assert "عنوانی که دیگر عمومی نیست" not in client.get("/notifications/").get_data(as_text=True)
