"""Posting rules: what a resident may submit and edit."""

import pytest

from app.accounts.models import Role
from app.posts import follows
from app.posts.models import PostKind, PostStatus
from app.posts.services import PostingError, edit_post, submit_post

GOOD_TITLE = "چراغ‌های خیابان خاموش است"
GOOD_BODY = "از هفته‌ی گذشته چند چراغ روشنایی خاموش است و شب‌ها مسیر تاریک است."


def test_new_post_waits_for_moderation_and_its_author_follows_it(make):
    author = make.user()
    post = submit_post(author, kind=PostKind.PROBLEM, title=GOOD_TITLE, body=GOOD_BODY, category=make.category())
    assert post.status is PostStatus.PENDING
    assert not post.is_listed
    assert follows.is_following(author, post)


def test_title_and_body_are_trimmed_and_arabic_letters_become_persian(make):
    post = submit_post(
        make.user(),
        kind=PostKind.PROBLEM,
        title="   چراغ خيابان كوچه خاموش   ",
        body="  " + GOOD_BODY + "\r\n\r\n\r\n\r\nادامه  ",
        category=make.category(),
    )
    assert post.title == "چراغ خیابان کوچه خاموش"
    assert post.body == GOOD_BODY + "\n\nادامه"


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("کوتاه", GOOD_BODY, "title"),
        ("   کوتاه       ", GOOD_BODY, "title"),  # long only because of spaces
        ("ت" * 151, GOOD_BODY, "title"),
        (GOOD_TITLE, "خیلی کوتاه", "body"),
        (GOOD_TITLE, "ب" * 5001, "body"),
        (GOOD_TITLE, " " * 40, "body"),
    ],
)
def test_titles_and_descriptions_outside_the_limits_are_refused(make, title, body, field):
    with pytest.raises(PostingError) as error:
        submit_post(make.user(), kind=PostKind.PROBLEM, title=title, body=body, category=make.category())
    assert error.value.field == field


def test_limits_are_inclusive(make):
    post = submit_post(make.user(), kind=PostKind.IDEA, title="ت" * 150, body="ب" * 5000, category=make.category())
    assert len(post.title) == 150 and len(post.body) == 5000
    post = submit_post(make.user(), kind=PostKind.IDEA, title="ت" * 8, body="ب" * 20, category=make.category())
    assert len(post.title) == 8


def test_category_must_accept_the_kind_of_post(make):
    ideas_only = make.category(accepts_problems=False)
    with pytest.raises(PostingError) as error:
        submit_post(make.user(), kind=PostKind.PROBLEM, title=GOOD_TITLE, body=GOOD_BODY, category=ideas_only)
    assert error.value.field == "category"
    assert submit_post(make.user(), kind=PostKind.IDEA, title=GOOD_TITLE, body=GOOD_BODY, category=ideas_only)


def test_inactive_or_missing_category_is_refused(make):
    for category in (make.category(is_active=False), None):
        with pytest.raises(PostingError):
            submit_post(make.user(), kind=PostKind.IDEA, title=GOOD_TITLE, body=GOOD_BODY, category=category)


def test_blocked_user_cannot_post(make):
    with pytest.raises(PostingError):
        submit_post(
            make.user(is_blocked=True), kind=PostKind.IDEA, title=GOOD_TITLE, body=GOOD_BODY, category=make.category()
        )


def test_author_edits_a_pending_post_but_not_a_resolved_one(make):
    post = make.post(PostStatus.PENDING)
    edit_post(post, title="عنوان تازه برای پست", body=GOOD_BODY, category=post.category)
    assert post.title == "عنوان تازه برای پست"
    make.move(post, PostStatus.RESOLVED)
    with pytest.raises(PostingError):
        edit_post(post, title="عنوان دیگری برای پست", body=GOOD_BODY, category=post.category)


def test_staff_role_does_not_change_posting_rules(make):
    staff = make.user(Role.STAFF)
    post = submit_post(staff, kind=PostKind.IDEA, title=GOOD_TITLE, body=GOOD_BODY, category=make.category())
    assert post.status is PostStatus.PENDING
