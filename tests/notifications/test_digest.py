"""The daily digest: one e-mail per user for everything they asked to hear about once a day."""

from app.extensions import db
from app.notifications.models import Delivery, EmailState, Notification, NotificationKind, OutboxEmail
from app.notifications.services import set_preferences
from app.posts.models import PostStatus


def _run(runner, command):
    result = runner.invoke(args=["notifications", command])
    assert result.exit_code == 0, result.output
    return result.output


def test_one_digest_per_user_lists_every_waiting_item_and_each_goes_out_once(make, runner, smtp_server):
    author = make.user(email="author@example.org", display_name="نویسنده")
    post = make.post(PostStatus.PUBLISHED, author=author, title="درختان پارک کوهسنگی خشک شده‌اند")
    for body in ("من هم دیدم، خیلی بد است", "باید زودتر آبیاری شوند"):
        make.comment(post, body=body)
    db.session.query(OutboxEmail).delete()  # the e-mail about publication is not what we test here
    db.session.commit()

    assert "Queued 1 digest" in _run(runner, "digest")
    _run(runner, "send")
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["author@example.org"]
    body = message.get_content()
    assert body.count("درختان پارک کوهسنگی خشک شده‌اند") == 2
    assert "من هم دیدم، خیلی بد است" in body and "باید زودتر آبیاری شوند" in body
    assert "(2" in message["Subject"] or "۲" in message["Subject"]
    states = {n.email_state for n in db.session.query(Notification).filter_by(kind=NotificationKind.FOLLOWED_COMMENT)}
    assert states == {EmailState.DIGESTED}

    assert "Queued 0 digest" in _run(runner, "digest")  # nothing twice
    _run(runner, "send")
    assert len(smtp_server.messages) == 1


def test_users_who_chose_immediate_email_get_no_digest(make, runner):
    post = make.post(PostStatus.PUBLISHED)
    set_preferences(post.author, {NotificationKind.FOLLOWED_COMMENT: Delivery.IMMEDIATE})
    db.session.commit()
    make.comment(post)
    assert "Queued 0 digest" in _run(runner, "digest")


def test_a_digest_is_in_the_users_language_and_hides_comments_hidden_since(make, runner, smtp_server):
    author = make.user(locale="en")
    post = make.post(PostStatus.PUBLISHED, author=author)
    comment = make.comment(post, body="a rude comment that moderators hid")
    comment.is_hidden = True
    db.session.query(OutboxEmail).delete()
    db.session.commit()
    _run(runner, "digest")
    _run(runner, "send")
    [(_to, message)] = smtp_server.messages
    body = message.get_content()
    assert "daily summary" in message["Subject"] and "a rude comment" not in body
