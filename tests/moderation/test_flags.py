"""Flags: one per user per item, automatic hiding at the threshold, and the moderators' decisions."""

from datetime import timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role
from app.core.db import utcnow
from app.extensions import db
from app.moderation import flags
from app.moderation.models import Flag, FlagReason, FlagStatus
from app.moderation.settings import Thresholds, update_thresholds
from app.moderation.trust import counts_for_auto_hide
from app.notifications.models import Notification, NotificationKind
from app.posts.models import Comment, Post, PostStatus


def _flag_many(make, item, count, reason=FlagReason.SPAM):
    for _ in range(count):
        flags.flag(make.trusted_user(), item, reason)
        db.session.commit()


def test_a_post_is_hidden_when_the_third_flag_arrives_and_not_before(make):
    post = make.post(PostStatus.PUBLISHED)
    _flag_many(make, post, 2)
    assert not post.is_hidden and post.is_listed
    _flag_many(make, post, 1)
    assert post.is_hidden and not post.is_listed and not post.is_public


def test_the_threshold_is_configurable(make, app):
    update_thresholds(
        make.user(Role.ADMIN), Thresholds(flag_hide=1, promising=10, auto_forward_enabled=False, auto_forward=40)
    )
    db.session.commit()
    post = make.post(PostStatus.PUBLISHED)
    _flag_many(make, post, 1)
    assert post.is_hidden


def test_one_flag_per_user_per_item(make):
    post = make.post(PostStatus.PUBLISHED)
    resident = make.user()
    flags.flag(resident, post, FlagReason.SPAM)
    db.session.commit()
    with pytest.raises(flags.FlagError):
        flags.flag(resident, post, FlagReason.OFFENSIVE)
    db.session.rollback()
    comment = make.comment(post)
    flags.flag(resident, comment, FlagReason.OFFENSIVE)  # the comment is another item
    db.session.commit()
    assert db.session.query(Flag).filter_by(user_id=resident.id).count() == 2


@pytest.mark.parametrize("who", ["author", "blocked"])
def test_authors_and_blocked_users_cannot_flag(make, who):
    post = make.post(PostStatus.PUBLISHED)
    user = post.author if who == "author" else make.user(is_blocked=True)
    with pytest.raises(flags.FlagError):
        flags.flag(user, post, FlagReason.SPAM)


def test_other_needs_a_note_and_notes_have_a_limit(make):
    post = make.post(PostStatus.PUBLISHED)
    with pytest.raises(flags.FlagError):
        flags.flag(make.user(), post, FlagReason.OTHER, "  ")
    with pytest.raises(flags.FlagError):
        flags.flag(make.user(), post, FlagReason.SPAM, "x" * 501)


def test_a_hidden_comment_leaves_the_count_and_its_author_is_told_why(make):
    post = make.post(PostStatus.PUBLISHED)
    comment = make.comment(post)
    assert post.comment_count == 1
    _flag_many(make, comment, 3, FlagReason.OFFENSIVE)
    db.session.refresh(post)
    assert comment.is_hidden and post.comment_count == 0
    told = db.session.query(Notification).filter_by(user_id=comment.author_id, kind=NotificationKind.MODERATION).one()
    assert told.extra == {"event": "auto_hidden", "reason": "offensive"} and told.comment_id == comment.id


def test_a_comment_hidden_by_two_decisions_at_once_leaves_the_count_once(make):
    """On PostgreSQL two requests may both read the comment as visible; only one may decrement."""
    moderator = make.user(Role.MODERATOR)
    post = make.post(PostStatus.PUBLISHED)
    comment = make.comment(post)
    flags.uphold(make.user(Role.MODERATOR), comment, FlagReason.SPAM)  # the other request, committed first
    db.session.commit()
    stale = db.session.get(Comment, comment.id)
    set_committed_value(stale, "is_hidden", False)  # what this request read before that commit
    flags.uphold(moderator, stale, FlagReason.OFFENSIVE)
    db.session.commit()
    assert db.session.get(Post, post.id).comment_count == 0
    assert db.session.get(Comment, comment.id).is_hidden


def test_dismissing_shows_the_item_again_and_closes_its_flags(make):
    moderator = make.user(Role.MODERATOR)
    post = make.post(PostStatus.PUBLISHED)
    _flag_many(make, post, 3)
    flags.dismiss(moderator, post)
    db.session.commit()
    assert not post.is_hidden and post.is_listed
    assert {f.status for f in db.session.query(Flag).filter_by(post_id=post.id)} == {FlagStatus.DISMISSED}
    restored = db.session.query(Notification).filter_by(user_id=post.author_id, kind=NotificationKind.MODERATION)
    assert [n.extra["event"] for n in restored.order_by(Notification.id)] == ["auto_hidden", "restored"]


def test_upholding_keeps_it_hidden_with_the_moderators_reason(make):
    moderator = make.user(Role.MODERATOR)
    post = make.post(PostStatus.PUBLISHED)
    _flag_many(make, post, 1)
    flags.uphold(moderator, post, FlagReason.OFFENSIVE, "توهین به ساکنان محله")
    db.session.commit()
    assert post.is_hidden
    assert {f.status for f in db.session.query(Flag).filter_by(post_id=post.id)} == {FlagStatus.UPHELD}
    told = db.session.query(Notification).filter_by(user_id=post.author_id, kind=NotificationKind.MODERATION).one()
    assert told.note == "توهین به ساکنان محله" and told.extra["event"] == "hidden"


def test_the_flags_tab_lists_items_most_flagged_first(client, auth, make):
    once = make.post(PostStatus.PUBLISHED, title="یک بار گزارش شده است")
    twice = make.post(PostStatus.PUBLISHED, title="دو بار گزارش شده است")
    _flag_many(make, once, 1)
    _flag_many(make, twice, 2)
    auth.login(make.user(Role.MODERATOR))
    page = client.get("/moderation/flags").get_data(as_text=True)
    assert page.index("دو بار گزارش") < page.index("یک بار گزارش")


def test_residents_flag_through_the_page_and_a_second_flag_is_a_conflict(client, auth, make):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    assert client.post(f"/moderation/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 302
    response = client.post(f"/moderation/posts/{post.id}/flag", data={"reason": "spam"})
    assert response.status_code == 409


@pytest.mark.parametrize(
    "data", [{}, {"reason": "nonsense"}, {"reason": "other", "note": ""}, {"reason": "spam", "note": "x" * 501}]
)
def test_bad_flags_are_refused_with_a_message(client, auth, make, data):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    response = client.post(f"/moderation/posts/{post.id}/flag", data=data)
    assert response.status_code == 422
    assert db.session.query(Flag).count() == 0


def test_flagging_a_pending_post_or_an_unknown_comment_is_not_found(client, auth, make):
    post = make.post(PostStatus.PENDING)
    auth.login(make.user())
    assert client.post(f"/moderation/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 404
    assert client.post("/moderation/comments/999999/flag", data={"reason": "spam"}).status_code == 404


def test_residents_cannot_decide_flags(client, auth, make):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user())
    assert client.post(f"/moderation/posts/{post.id}/flags/decide", data={"decision": "dismiss"}).status_code == 403
    assert client.get("/moderation/flags").status_code == 403


def test_moderators_hide_a_comment_from_the_post_page(client, auth, make):
    post = make.post(PostStatus.PUBLISHED)
    comment = make.comment(post, body="یک نظر توهین‌آمیز")
    auth.login(make.user(Role.MODERATOR))
    response = client.post(
        f"/moderation/comments/{comment.id}/flags/decide", data={"decision": "uphold", "reason": "offensive"}
    )
    assert response.status_code == 302
    assert db.session.get(Comment, comment.id).is_hidden
    assert "یک نظر توهین‌آمیز" not in client.get(f"/posts/{post.id}").get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}, {"decision": "uphold", "reason": "nonsense"}])
def test_a_bad_decision_is_refused(client, auth, make, data):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user(Role.MODERATOR))
    assert client.post(f"/moderation/posts/{post.id}/flags/decide", data=data).status_code == 422
    assert not db.session.get(Post, post.id).is_hidden


def test_dismissing_an_item_without_flags_is_refused(client, auth, make):
    post = make.post(PostStatus.PUBLISHED)
    auth.login(make.user(Role.MODERATOR))
    assert client.post(f"/moderation/posts/{post.id}/flags/decide", data={"decision": "dismiss"}).status_code == 422


def test_the_author_sees_why_their_hidden_post_is_hidden(client, auth, make):
    post = make.post(PostStatus.PUBLISHED)
    flags.uphold(make.user(Role.MODERATOR), post, FlagReason.SPAM, "تبلیغ تجاری")
    db.session.commit()
    auth.login(post.author)
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "تبلیغ تجاری" in page
    auth.logout()
    assert client.get(f"/posts/{post.id}").status_code == 404


def test_flags_of_new_accounts_reach_the_queue_but_do_not_hide(make):
    post = make.post(PostStatus.PUBLISHED)
    for _ in range(5):
        flags.flag(make.user(), post, FlagReason.SPAM)  # fresh throwaway accounts
        db.session.commit()
    assert not post.is_hidden
    groups, _more = flags.open_flag_groups(1, 20)
    assert [(g.post.id, g.count) for g in groups] == [(post.id, 5)]


def test_an_old_account_without_an_approved_contribution_does_not_count(make):
    post = make.post(PostStatus.PUBLISHED)
    for _ in range(3):
        user = make.user()
        make.post(PostStatus.PENDING, author=user)  # not approved: does not count
        user.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
        flags.flag(user, post, FlagReason.SPAM)
        db.session.commit()
    assert not post.is_hidden


def test_a_young_account_with_a_comment_does_not_count_until_seven_days(make):
    user = make.trusted_user()
    assert counts_for_auto_hide(user)
    user.created_at = utcnow() - timedelta(days=6, hours=23)
    assert not counts_for_auto_hide(user)
    user.created_at = utcnow() - timedelta(days=7, minutes=1)
    assert counts_for_auto_hide(user)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STAFF, Role.ADMIN])
def test_flags_of_moderators_and_staff_count_fully_even_from_new_accounts(make, role):
    post = make.post(PostStatus.PUBLISHED)
    for _ in range(3):
        flags.flag(make.user(role), post, FlagReason.SPAM)
        db.session.commit()
    assert post.is_hidden


def test_a_post_with_fifty_supporters_is_not_hidden_by_three_flags(make):
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 50)
    _flag_many(make, post, 7)
    assert not post.is_hidden  # 3 + 50 // 10 = 8 counted flags are needed
    _flag_many(make, post, 1)
    assert post.is_hidden


def test_the_flags_needed_per_supporter_is_a_setting(make, app):
    app.config["FLAG_HIDE_SUPPORTERS_PER_FLAG"] = 0
    post = make.post(PostStatus.PUBLISHED)
    make.supporters(post, 50)
    _flag_many(make, post, 3)
    assert post.is_hidden


def test_the_hide_forms_come_from_their_fields_with_the_most_flagged_reason_chosen(client, auth, make):
    post = make.post()
    comment = make.comment(post)
    flags.flag(make.user(), post, FlagReason.SPAM)
    flags.flag(make.user(), post, FlagReason.OFFENSIVE)
    flags.flag(make.user(), post, FlagReason.OFFENSIVE)
    db.session.commit()
    auth.login(make.user(Role.MODERATOR))
    tab = client.get("/moderation/flags").get_data(as_text=True)
    reasons = tab[tab.index('id="uphold-reason-1"') :].split("</select>")[0]
    assert f'<option selected value="{FlagReason.OFFENSIVE.value}">' in reasons
    note = tab[tab.index('id="uphold-note-1"') :].split(">")[0]
    assert f'maxlength="{flags.NOTE_MAX}"' in note
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    hide_note = page[page.index(f'id="hide-note-{comment.id}"') :].split(">")[0]
    assert f'maxlength="{flags.NOTE_MAX}"' in hide_note
