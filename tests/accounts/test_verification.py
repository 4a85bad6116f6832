"""E-mail verification: until the link is opened, a resident reads, follows and writes, but does not take part."""

import pytest
from sqlalchemy import select

from app.accounts import recovery, tokens
from app.accounts.models import User
from app.extensions import db
from app.posts.models import Follow, Post, PostKind
from app.posts.services import PostingError, submit_post
from tests.accounts.helpers import link_in, mails_to

BODY = "در هر پارک محله‌ای یک قفسه‌ی کتاب امانی گذاشته شود."


@pytest.fixture
def newcomer(make):
    return make.user(verified=False, display_name="تازه‌وارد")


def test_an_unverified_resident_cannot_post_comment_vote_or_flag(client, make, auth, newcomer):
    post = make.post()
    with pytest.raises(PostingError, match=r"e-mail|رایانامه"):
        submit_post(newcomer, kind=PostKind.IDEA, title="یک ایده‌ی تازه", body=BODY, category=post.category)
    auth.login(newcomer)
    client.post(f"/posts/{post.id}/vote", data={"value": "1"})
    assert client.post(f"/posts/{post.id}/comments", data={"body": "سلام"}).status_code == 403
    assert client.post(f"/moderation/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 403
    db.session.rollback()
    fresh = db.session.get(Post, post.id)
    assert (fresh.up_count, fresh.comment_count) == (0, 0)


def test_an_unverified_resident_can_follow_and_keeps_a_draft_that_cannot_be_sent(client, make, auth, newcomer):
    post = make.post()
    auth.login(newcomer)
    assert client.post(f"/posts/{post.id}/follow").status_code == 302
    assert db.session.scalar(select(Follow).where(Follow.user_id == newcomer.id)) is not None
    assert client.get("/posts/new").status_code == 200
    data = {
        "kind": "idea",
        "title": "کتابخانه‌ی کوچک در پارک ملت",
        "body": "قفسه‌ای برای کتاب‌های امانی",
        "category": post.category_id,
    }
    response = client.post("/posts/new", data=data | {"post_anyway": "1"})
    assert response.status_code == 422
    assert "کتابخانه‌ی کوچک در پارک ملت" in response.get_data(as_text=True)  # nothing typed is lost
    assert db.session.scalar(select(Post).where(Post.author_id == newcomer.id)) is None


def test_the_banner_explains_and_sends_the_link_again(client, auth, newcomer):
    auth.login(newcomer)
    page = client.get("/").get_data(as_text=True)
    assert "/verify-email/resend" in page
    assert client.post("/verify-email/resend", data={"next": "/posts"}).headers["Location"] == "/posts"
    assert len(mails_to(newcomer)) == 1


def test_sending_the_link_again_is_rate_limited(app, client, auth, newcomer):
    app.config["VERIFY_MAIL_RATE_LIMIT"] = "2 per hour"
    auth.login(newcomer)
    codes = [client.post("/verify-email/resend").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mails_to(newcomer)) == 2


def test_a_verified_resident_sees_no_banner_and_gets_no_mail(client, make, auth):
    user = make.user()
    auth.login(user)
    assert "/verify-email/resend" not in client.get("/").get_data(as_text=True)
    client.post("/verify-email/resend")
    assert mails_to(user) == []


def test_the_link_in_the_e_mail_verifies_the_address_and_lets_the_resident_post(client, make, auth, newcomer):
    recovery.send_verification(newcomer)
    db.session.commit()
    link = link_in(mails_to(newcomer)[0], "/verify-email/")
    assert client.get(link).status_code == 200  # a page with one button: the change is a POST
    assert not db.session.get(User, newcomer.id).is_verified
    assert client.post(link).status_code == 302
    db.session.rollback()
    assert db.session.get(User, newcomer.id).is_verified
    assert client.post(link).status_code == 302  # a second click does no harm
    submit_post(newcomer, kind=PostKind.IDEA, title="یک ایده‌ی تازه", body=BODY, category=make.category())


@pytest.mark.parametrize(
    "token",
    ["", "x", "not-a-token.at-all", "a" * 600, "eyJ1IjoxfQ.forged.signature"],
)
def test_forged_or_damaged_links_are_refused(client, newcomer, token):
    response = client.post(f"/verify-email/{token}")
    assert response.status_code in (400, 404, 405)
    db.session.rollback()
    assert not db.session.get(User, newcomer.id).is_verified


def test_an_expired_link_is_refused(app, client, newcomer):
    token = tokens.make_token(tokens.VERIFY_SALT, {"u": newcomer.id, "e": newcomer.email_key})
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = -1
    assert client.post(f"/verify-email/{token}").status_code == 400


def test_a_reset_link_or_another_address_does_not_verify(client, newcomer):
    reset = tokens.make_token(tokens.RESET_SALT, {"u": newcomer.id, "e": newcomer.email_key})
    other = tokens.make_token(tokens.VERIFY_SALT, {"u": newcomer.id, "e": "someone@else.org"})
    wrong_type = tokens.make_token(tokens.VERIFY_SALT, {"u": str(newcomer.id), "e": newcomer.email_key})
    for token in (reset, other, wrong_type):
        assert client.post(f"/verify-email/{token}").status_code == 400
    db.session.rollback()
    assert not db.session.get(User, newcomer.id).is_verified


def test_the_requirement_can_be_turned_off(app, make, newcomer):
    app.config["EMAIL_VERIFICATION_REQUIRED"] = False
    submit_post(newcomer, kind=PostKind.IDEA, title="یک ایده‌ی تازه", body=BODY, category=make.category())


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return app_config | {"WTF_CSRF_ENABLED": True}

    def test_confirming_needs_the_token_of_the_page(self, client, newcomer):
        from tests.accounts.helpers import csrf_token

        link = f"/verify-email/{tokens.make_token(tokens.VERIFY_SALT, {'u': newcomer.id, 'e': newcomer.email_key})}"
        assert client.post(link).status_code == 400
        db.session.rollback()
        assert not db.session.get(User, newcomer.id).is_verified
        assert client.post(link, data={"csrf_token": csrf_token(client, link)}).status_code == 302
        db.session.rollback()
        assert db.session.get(User, newcomer.id).is_verified

    def test_asking_for_a_reset_or_a_new_link_needs_the_token(self, client, newcomer):
        assert client.post("/forgot-password", data={"email": newcomer.email}).status_code == 400
        assert client.post("/verify-email/resend").status_code == 400
        assert mails_to(newcomer) == []
