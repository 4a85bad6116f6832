"""E-mail goes through the outbox to a real SMTP server, only after commit, with retries."""

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.notifications import mail
from app.notifications.models import OutboxEmail
from app.posts.models import PostStatus


def _send(runner):
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_author_gets_an_email_when_their_post_is_approved(make, runner, smtp_server):
    author = make.user(email="maryam@example.org", display_name="مریم")
    post = make.post(PostStatus.PENDING, author=author, title="چراغ‌های کوچه‌ی ما خاموش است")
    make.move(post, PostStatus.PUBLISHED)
    output = _send(runner)
    assert "Sent 1" in output
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["maryam@example.org"]
    assert "چراغ‌های کوچه‌ی ما خاموش است" in message["Subject"]
    body = message.get_content()
    assert "مریم" in body and f"https://shahrvand.example/posts/{post.id}" in body
    assert "https://shahrvand.example/notifications/settings" in body
    assert message["Auto-Submitted"] == "auto-generated"
    assert db.session.query(OutboxEmail).one().sent_at is not None


def test_english_speakers_get_english_email(make, runner, smtp_server):
    author = make.user(locale="en")
    post = make.post(PostStatus.PENDING, author=author)
    make.move(post, PostStatus.PUBLISHED)
    _send(runner)
    [(_to, message)] = smtp_server.messages
    assert "is published" in message["Subject"] and "Hello" in message.get_content()


def test_nothing_is_queued_when_the_transaction_rolls_back(make):
    post = make.post(PostStatus.PENDING)
    workflow.transition(post, "approve", make.user(Role.MODERATOR))
    db.session.rollback()
    assert db.session.query(OutboxEmail).count() == 0


def test_sending_twice_sends_each_email_once(make, runner, smtp_server):
    make.move(make.post(PostStatus.PENDING), PostStatus.PUBLISHED)
    _send(runner)
    _send(runner)
    assert len(smtp_server.messages) == 1


def test_a_refusing_server_means_a_retry_later_and_nothing_is_lost(make, runner, smtp_server):
    make.move(make.post(PostStatus.PENDING), PostStatus.PUBLISHED)
    smtp_server.refuse = True
    assert "will retry 1" in _send(runner)
    email = db.session.query(OutboxEmail).one()
    assert email.sent_at is None and email.attempts == 1 and "451" in email.last_error
    assert email.next_attempt_at > email.created_at
    smtp_server.refuse = False
    assert "Sent 0" in _send(runner)  # not due yet
    email.next_attempt_at = email.created_at
    db.session.commit()
    assert "Sent 1" in _send(runner)
    assert len(smtp_server.messages) == 1


def test_an_unreachable_server_is_retried_and_finally_given_up(make, app, runner):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, OUTBOX_MAX_ATTEMPTS=2)
    make.move(make.post(PostStatus.PENDING), PostStatus.PUBLISHED)
    _send(runner)
    email = db.session.query(OutboxEmail).one()
    email.next_attempt_at = email.created_at
    db.session.commit()
    assert "gave up on 1" in _send(runner)
    db.session.refresh(email)
    assert email.failed_at is not None and email.sent_at is None


def test_a_claimed_batch_is_not_sent_by_a_second_sender(make, smtp_server):
    make.move(make.post(PostStatus.PENDING), PostStatus.PUBLISHED)
    token = mail._claim(10)
    db.session.commit()
    assert mail.send_due().sent == 0  # another sender holds the row
    assert db.session.query(OutboxEmail).one().claim_token == token


def test_a_server_that_hangs_up_delays_one_email_and_the_rest_go_out(make, runner, smtp_server):
    for _ in range(3):
        make.move(make.post(PostStatus.PENDING), PostStatus.PUBLISHED)
    smtp_server.hang_up_once = True
    output = _send(runner)
    assert "Sent 2" in output and "will retry 1" in output
    assert len(smtp_server.messages) == 2


def test_a_forwarded_post_is_emailed_to_the_departments_contact_address(make, runner, smtp_server):
    department = make.department(contact_email="lighting@mashhad.example")
    post = make.post(
        PostStatus.FORWARDED,
        category=make.category(department=department),
        title="چراغ‌های کوچه‌ی بهار خاموش است",
        address="کوچه‌ی بهار",
    )
    _send(runner)
    [message] = [m for to, m in smtp_server.messages if to == ["lighting@mashhad.example"]]
    body = message.get_content()
    assert "چراغ‌های کوچه‌ی بهار خاموش است" in body and "کوچه‌ی بهار" in body
    assert f"https://shahrvand.example/posts/{post.id}" in body
    assert f"https://shahrvand.example/departments/{department.slug}" in body


def test_departments_without_a_contact_address_get_no_email(make):
    make.post(PostStatus.FORWARDED, category=make.category(department=make.department()))
    assert db.session.query(OutboxEmail).filter(OutboxEmail.user_id.is_(None)).count() == 0
