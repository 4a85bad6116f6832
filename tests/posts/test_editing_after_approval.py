"""Authors edit their post after approval: the post stays public, every earlier version is kept, the
timeline says "edited", and moderators (and the department's staff) compare the versions."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.moderation import revisions
from app.moderation.models import AuditEntry
from app.posts.models import PostRevision, PostStatus
from app.posts.rules import TITLE_MAX
from app.posts.services import PostingError, edit_post

TITLE = "چاله‌ی بزرگ در خیابان امام رضا"
BODY = "یک چاله‌ی عمیق وسط خیابان است که شب‌ها دیده نمی‌شود."
FIXED_BODY = "یک چاله‌ی عمیق وسط خیابان است که شب‌ها دیده نمی‌شود و دو ماشین در آن افتاده‌اند."
REWRITE = (
    "درخواست ساخت پارک",
    "به جای همه‌ی این‌ها، پیشنهاد می‌کنم یک پارک کودک در زمین خالی پشت مدرسه ساخته شود.",
)


def _edit(post, title=TITLE, body=FIXED_BODY, **fields):
    revision = edit_post(post, title=title, body=body, category=post.category, editor=post.author, **fields)
    db.session.commit()
    return revision


def _revisions(post) -> list[PostRevision]:
    db.session.rollback()
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------------------ the service


@pytest.mark.parametrize("status", [PostStatus.PUBLISHED, PostStatus.FORWARDED, PostStatus.IN_PROGRESS])
def test_an_edit_of_an_open_post_keeps_the_earlier_version_and_the_post_stays_where_it_was(make, status):
    post = make.post(status)
    revision = _edit(post)
    assert post.status is status and post.body == FIXED_BODY
    assert (revision.title, revision.body, revision.status) == (TITLE, BODY, status)
    assert revision.editor_id == post.author_id and revision.reviewed_at is None
    assert post.updated_at == revision.created_at == post.last_activity_at


def test_each_edit_keeps_the_version_it_replaced_oldest_first(make):
    post = make.post()
    _edit(post, title="چاله‌ی بزرگ در خیابان امام رضا ۱۲")
    _edit(post, title="چاله‌ی بزرگ در خیابان امام رضا ۱۴")
    assert [r.title for r in revisions.revisions_of(post)] == [TITLE, "چاله‌ی بزرگ در خیابان امام رضا ۱۲"]


def test_saving_the_same_text_keeps_no_version(make):
    post = make.post()
    assert _edit(post, body=BODY) is None
    assert _revisions(post) == []


def test_a_correction_is_minor_and_a_rewrite_or_a_move_is_substantial(make):
    post = make.post()
    assert not _edit(post).is_substantial
    assert _edit(post, title=REWRITE[0], body=REWRITE[1]).is_substantial
    assert _edit(post, title=REWRITE[0], body=REWRITE[1], latitude=36.3, longitude=59.6).is_substantial


@pytest.mark.parametrize(
    "status",
    [PostStatus.RESOLVED, PostStatus.DECLINED, PostStatus.REJECTED, PostStatus.WITHDRAWN, PostStatus.DUPLICATE],
)
def test_closed_rejected_withdrawn_and_duplicate_posts_cannot_be_edited(make, status):
    if status is PostStatus.DUPLICATE:
        from app.moderation import workflow

        post = make.post(PostStatus.PENDING)
        workflow.transition(post, "mark_duplicate", make.user(Role.MODERATOR), original=make.post())
        db.session.commit()
    else:
        post = make.post(status)
    with pytest.raises(PostingError):
        _edit(post)


def test_after_approval_the_category_stays_and_the_rules_of_posting_still_hold(make):
    post = make.post()
    with pytest.raises(PostingError) as refused:
        edit_post(post, title=TITLE, body=BODY, category=make.category(), editor=post.author)
    assert refused.value.field == "category"
    db.session.rollback()
    with pytest.raises(PostingError) as refused:
        edit_post(post, title="کوتاه", body=BODY, category=post.category, editor=post.author)
    assert refused.value.field == "title"


def test_an_edit_is_audited_and_a_moderator_marks_the_edits_reviewed_once(make):
    post = make.post()
    revision = _edit(post)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "edit_post"))
    assert entry.actor_id == post.author_id and entry.details["revision"] == revision.id
    moderator = make.user(Role.MODERATOR)
    assert revisions.review_edits(post, moderator) == 1
    db.session.commit()
    assert _revisions(post)[0].reviewed_by_id == moderator.id
    with pytest.raises(revisions.ModerationError):
        revisions.review_edits(post, moderator)


def test_the_comparison_shows_the_words_removed_and_added():
    assert revisions.word_diff("چاله در خیابان امام", "چاله‌ی بزرگ در خیابان امام") == [
        ("removed", "چاله"),
        ("added", "چاله‌ی بزرگ"),
        ("same", "در خیابان امام"),
    ]
    assert revisions.word_diff("a\nb", "a\nb c") == [("same", "a\nb"), ("added", "c")]


def test_the_changes_come_newest_first_each_against_the_version_before(make):
    post = make.post()
    _edit(post)
    _edit(post, title=REWRITE[0], body=REWRITE[1])
    changes = revisions.changes_of(post, revisions.revisions_of(post))
    assert [c.after.title for c in changes] == [REWRITE[0], TITLE]
    assert [c.before.body for c in changes] == [FIXED_BODY, BODY]


# ------------------------------------------------------------------------------------- the pages


def test_the_author_edits_a_published_post_from_its_page_and_the_timeline_says_edited(client, make, auth):
    post = make.post()
    auth.login(post.author)
    form = text(client.get(f"/posts/{post.id}/edit"))
    assert 'name="category"' not in form and 'name="photos"' not in form  # after approval: text and place only
    response = client.post(f"/posts/{post.id}/edit", data={"title": TITLE, "body": FIXED_BODY})
    assert response.status_code == 302
    assert len(_revisions(post)) == 1
    auth.logout()
    page = text(client.get(f"/posts/{post.id}"))
    assert "ویرایش به دست نویسنده" in page and FIXED_BODY in page
    assert f"/moderation/posts/{post.id}/versions" not in page  # the public sees that, not what


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": ""}, "title"), ({"title": "ب" * (TITLE_MAX + 1)}, "title"), ({"body": ""}, "body")],
)
def test_an_empty_or_too_long_field_is_refused_and_what_was_typed_stays(client, make, auth, fields, field):
    post = make.post()
    auth.login(post.author)
    data = {"title": TITLE, "body": FIXED_BODY} | fields
    response = client.post(f"/posts/{post.id}/edit", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in text(response)
    assert FIXED_BODY in text(response) or field == "body"
    assert _revisions(post) == []


@pytest.mark.parametrize(("role", "code"), [("resident", 403), ("moderator", 403), ("visitor", 401)])
def test_nobody_but_the_author_edits_a_published_post(client, make, auth, role, code):
    post = make.post()
    if role != "visitor":
        auth.login(make.user(Role(role)))
    response = client.post(f"/posts/{post.id}/edit", data={"title": TITLE, "body": FIXED_BODY})
    assert response.status_code == code
    assert _revisions(post) == []


def test_someone_elses_pending_post_is_not_even_seen(client, make, auth):
    post = make.post(PostStatus.PENDING)
    auth.login(make.user())
    assert client.post(f"/posts/{post.id}/edit", data={"title": TITLE, "body": FIXED_BODY}).status_code == 404


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_an_edit_without_its_csrf_token_changes_nothing(client, make, auth, csrf_on):
    post = make.post()
    page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from tests.factories import PASSWORD

    client.post("/login", data={"email": post.author.email, "password": PASSWORD, "csrf_token": token})
    response = client.post(f"/posts/{post.id}/edit", data={"title": TITLE, "body": FIXED_BODY})
    assert response.status_code == 400
    assert _revisions(post) == []


def test_moderators_and_the_departments_staff_compare_the_versions_others_may_not(client, make, auth):
    post = make.post(PostStatus.FORWARDED)
    _edit(post)
    url = f"/moderation/posts/{post.id}/versions"
    auth.login(make.user(Role.MODERATOR))
    page = text(client.get(url))
    assert "<del>" in page and "<ins>" in page and "دو ماشین در آن افتاده‌اند." in page
    assert f"/moderation/posts/{post.id}/versions#edit-" in text(
        client.get(f"/posts/{post.id}")
    )  # linked from the timeline
    for user, code in [
        (make.user(Role.STAFF, department=post.department), 200),
        (make.user(Role.STAFF), 403),
        (make.user(), 403),
        (post.author, 403),
    ]:
        auth.logout()
        auth.login(user)
        assert client.get(url).status_code == code


def test_the_edited_tab_lists_unreviewed_edits_rewrites_first_until_marked_reviewed(client, make, auth):
    minor, rewritten = make.post(title="نخستین پست ویرایش‌شده"), make.post(title="دومین پست ویرایش‌شده")
    _edit(minor, title="نخستین پست ویرایش‌شده ۲")
    _edit(rewritten, title=REWRITE[0], body=REWRITE[1])
    auth.login(make.user())
    assert client.get("/moderation/edited").status_code == 403
    assert client.post(f"/moderation/posts/{minor.id}/versions/reviewed").status_code == 403
    auth.logout()
    auth.login(make.user(Role.MODERATOR))
    page = text(client.get("/moderation/edited"))
    assert page.index(REWRITE[0]) < page.index("نخستین پست ویرایش‌شده ۲")
    assert client.post(f"/moderation/posts/{minor.id}/versions/reviewed").status_code == 302
    page = text(client.get("/moderation/edited"))
    assert "نخستین پست ویرایش‌شده ۲" not in page and REWRITE[0] in page
    response = client.post(f"/moderation/posts/{minor.id}/versions/reviewed", follow_redirects=True)
    assert "ویرایش تازه‌ای" in text(response)  # nothing new to review: said, not an error


def test_the_authors_data_download_holds_what_their_post_said_before_each_edit(client, make, auth):
    post = make.post()
    _edit(post)
    auth.login(post.author)
    data = client.get("/profile/data.json").get_json()
    assert [(v["post_id"], v["body"]) for v in data["earlier_versions"]] == [(post.id, BODY)]
