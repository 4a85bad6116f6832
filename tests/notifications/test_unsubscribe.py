"""Every e-mail to a resident carries a link that stops all e-mails, without signing in."""

import re

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.notifications import mail
from app.notifications.models import Delivery, EmailState, Notification, OutboxEmail
from app.notifications.services import preferences, set_preferences
from app.posts.models import PostStatus

LINK = re.compile(r"https?://\S+/notifications/unsubscribe/(\S+)")


def _last_email(user) -> OutboxEmail:
    return db.session.scalars(
        db.select(OutboxEmail).where(OutboxEmail.user_id == user.id).order_by(OutboxEmail.id.desc())
    ).first()


def _forward(make, post):
    workflow.transition(post, "forward", make.user(Role.MODERATOR))
    db.session.commit()


def test_a_notification_email_ends_with_the_unsubscribe_link(make):
    post = make.post(PostStatus.PUBLISHED)
    _forward(make, post)
    body = _last_email(post.author).body
    assert LINK.search(body)
    assert body.rstrip().splitlines()[-1].startswith("از همه‌ی رایانامه")


def test_the_link_works_signed_out_and_stops_every_email(client, make, app):
    post = make.post(PostStatus.PUBLISHED)
    author = post.author
    set_preferences(author, dict.fromkeys(preferences(author), Delivery.DAILY))
    make.comment(post)
    _forward(make, post)
    mail.build_digests()  # the daily summary carries the link too
    db.session.commit()
    token = LINK.search(_last_email(author).body).group(1)
    page = client.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200 and 'class="unsubscribe-form"' in page.get_data(as_text=True)
    assert set(preferences(author).values()) == {Delivery.DAILY}  # looking changes nothing
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200
    assert set(preferences(author).values()) == {Delivery.NONE}
    before = db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail))
    make.comment(post)
    workflow.transition(post, "hand_back", make.user(Role.MODERATOR), note="به واحد دیگری مربوط است")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == before
    waiting = db.select(Notification).where(
        Notification.user_id == author.id, Notification.email_state == EmailState.DIGEST
    )
    assert db.session.scalars(waiting).all() == []


@pytest.mark.parametrize("token", ["nonsense", "MQ.forged-signature", "eyJ1IjoxfQ"])
def test_a_forged_or_damaged_link_is_not_found(client, make, token):
    make.user()
    assert client.get(f"/notifications/unsubscribe/{token}").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404


def test_a_link_for_one_account_never_touches_another(client, make):
    post = make.post(PostStatus.PUBLISHED)
    other = make.user()
    _forward(make, post)
    token = LINK.search(_last_email(post.author).body).group(1)
    client.post(f"/notifications/unsubscribe/{token}")
    assert set(preferences(other).values()) != {Delivery.NONE}


def test_the_token_names_its_account_and_any_change_breaks_it(client, make):
    post = make.post(PostStatus.PUBLISHED)
    _forward(make, post)
    token = LINK.search(_last_email(post.author).body).group(1)
    assert mail.user_id_from_unsubscribe_token(token) == post.author_id
    assert mail.user_id_from_unsubscribe_token(token + "x") is None


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_the_stop_button_needs_the_pages_token(self, client, make):
        post = make.post(PostStatus.PUBLISHED)
        _forward(make, post)
        token = LINK.search(_last_email(post.author).body).group(1)
        assert client.post(f"/notifications/unsubscribe/{token}").status_code == 400
        page = client.get(f"/notifications/unsubscribe/{token}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post(f"/notifications/unsubscribe/{token}", data={"csrf_token": csrf}).status_code == 200
        assert set(preferences(post.author).values()) == {Delivery.NONE}
