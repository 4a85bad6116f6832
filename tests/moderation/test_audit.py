"""Every moderation, staff and admin action lands in the audit log, which admins browse and filter."""

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.db import utcnow
from app.departments import admin
from app.departments import services as triage
from app.extensions import db
from app.moderation import flags, revisions, services, users, workflow
from app.moderation.forms import FILTER_MAX
from app.moderation.labels import AUDIT_ACTION_LABELS
from app.moderation.models import AuditEntry, FlagReason
from app.moderation.settings import Thresholds, update_thresholds
from app.posts.models import Post, PostStatus
from app.posts.services import edit_post


def _moderator(make):
    return make.user(Role.MODERATOR)


def _post_action(action, status, note=None):
    def run(make):
        post = make.post(status)
        actor = _moderator(make)
        if action in ("acknowledge", "start", "resolve", "decline"):
            actor = make.user(Role.STAFF, department=post.department)
        workflow.transition(post, action, actor, note=note)
        return actor, post.id

    return run


def _mark_duplicate(make):
    original, post, actor = make.post(), make.post(PostStatus.PENDING), _moderator(make)
    workflow.transition(post, "mark_duplicate", actor, original=original)
    return actor, post.id


def _duplicate_with_supporters(make, *, undo: bool):
    original, post, actor = make.post(), make.post(), _moderator(make)
    make.supporters(post, 2)
    workflow.transition(post, "mark_duplicate", actor, original=original, move_supporters=True)
    if undo:
        workflow.transition(post, "not_duplicate", actor)
    return actor, post.id


def _recategorise(make):
    post, actor = make.post(PostStatus.PENDING), _moderator(make)
    services.recategorise_post(post, make.category(), actor)
    return actor, post.id


def _retitle(make):
    post, actor = make.post(), _moderator(make)
    services.retitle_post(post, "عنوان روشن‌تر برای این پست", actor)
    return actor, post.id


def _auto_hide(make):
    post = make.post()
    for _ in range(3):
        flags.flag(make.trusted_user(), post, FlagReason.SPAM)
    return None, post.id


def _hide(make):
    post, actor = make.post(), _moderator(make)
    flags.uphold(actor, post, FlagReason.OFFENSIVE, "توهین")
    return actor, post.id


def _uphold(make):
    post, actor = make.post(), _moderator(make)
    flags.flag(make.user(), post, FlagReason.SPAM)
    flags.uphold(actor, post, FlagReason.SPAM)
    return actor, post.id


def _dismiss(make):
    post, actor = make.post(), _moderator(make)
    flags.flag(make.user(), post, FlagReason.SPAM)
    flags.dismiss(actor, post)
    return actor, post.id


def _withdraw(make):
    post = make.post(PostStatus.FORWARDED)
    workflow.transition(post, "withdraw", post.author, note="حل شد، دیگر لازم نیست")
    return post.author, post.id


def _edit_post(make):
    post = make.post()
    edit_post(post, title="عنوان اصلاح‌شده‌ی پست", body=post.body, category=post.category, editor=post.author)
    return post.author, post.id


def _review_edits(make):
    _author, post_id = _edit_post(make)
    moderator = _moderator(make)
    revisions.review_edits(db.session.get(Post, post_id), moderator)
    return moderator, post_id


def _block(make):
    actor = _moderator(make)
    users.block(actor, make.user(), "هرزنامه")
    return actor, None


def _unblock(make):
    actor = _moderator(make)
    users.unblock(actor, make.user(is_blocked=True))
    return actor, None


def _change_role(make):
    actor = make.user(Role.ADMIN)
    users.change_role(actor, make.user(), Role.MODERATOR)
    return actor, None


def _assign(make, unassign=False):
    post = make.post(PostStatus.FORWARDED)
    actor = make.user(Role.STAFF, department=post.department)
    triage.assign_post(post, actor, actor)
    if unassign:
        triage.assign_post(post, None, actor)
    return actor, post.id


def _note(make):
    post = make.post(PostStatus.FORWARDED)
    actor = make.user(Role.STAFF, department=post.department)
    triage.add_internal_note(post, actor, "باید با پیمانکار هماهنگ شود")
    return actor, post.id


def _settings(make):
    actor = make.user(Role.ADMIN)
    update_thresholds(actor, Thresholds(5, 10.0, False, 40.0))
    return actor, None


def _reason_template(edit):
    def run(make):
        actor = make.user(Role.ADMIN)
        fields = {"title_fa": "الف", "title_en": "A", "body_fa": "ب", "body_en": "B", "position": 0, "is_active": True}
        template = services.save_reason_template(actor, None, **fields)
        if edit:
            services.save_reason_template(actor, template, **fields | {"title_en": "A2"})
        return actor, None

    return run


def _response_template(edit):
    def run(make):
        department = make.department()
        actor = make.user(Role.STAFF, department=department)
        fields = {"action": "resolve", "title": "انجام شد", "body": "مشکل برطرف شد.", "position": 0, "is_active": True}
        template = admin.save_response_template(actor, None, department=department, **fields)
        if edit:
            admin.save_response_template(actor, template, department=department, **fields | {"title": "تازه"})
        return actor, None

    return run


def _department(edit):
    def run(make):
        actor = make.user(Role.ADMIN)
        fields = {"slug": "water", "name_fa": "آب", "name_en": "Water", "contact_email": None, "is_active": True}
        department = admin.save_department(actor, None, **fields)
        if edit:
            admin.save_department(actor, department, **fields | {"name_en": "Water and sewage"})
        return actor, None

    return run


def _category(edit):
    def run(make):
        actor = make.user(Role.ADMIN)
        fields = {
            "slug": "trees",
            "name_fa": "درختان",
            "name_en": "Trees",
            "default_department": make.department(),
            "accepts_problems": True,
            "accepts_ideas": True,
            "position": 1,
            "is_active": True,
        }
        category = admin.save_category(actor, None, **fields)
        if edit:
            admin.save_category(actor, category, **fields | {"position": 2})
        return actor, None

    return run


SCENARIOS = {
    "approve": _post_action("approve", PostStatus.PENDING),
    "reject": _post_action("reject", PostStatus.PENDING, note="خارج از موضوع"),
    "mark_duplicate": _mark_duplicate,
    "forward": _post_action("forward", PostStatus.PUBLISHED),
    "hand_back": _post_action("hand_back", PostStatus.FORWARDED, note="مربوط به ما نیست"),
    "acknowledge": _post_action("acknowledge", PostStatus.FORWARDED, note="دریافت شد"),
    "start": _post_action("start", PostStatus.FORWARDED),
    "resolve": _post_action("resolve", PostStatus.IN_PROGRESS, note="انجام شد"),
    "decline": _post_action("decline", PostStatus.FORWARDED, note="در حوزه‌ی ما نیست"),
    "reopen": _post_action("reopen", PostStatus.RESOLVED),
    "withdraw": _withdraw,
    "edit_post": _edit_post,
    "review_edits": _review_edits,
    "recategorise": _recategorise,
    "retitle": _retitle,
    "auto_hide": _auto_hide,
    "hide": _hide,
    "uphold_flags": _uphold,
    "dismiss_flags": _dismiss,
    "not_duplicate": lambda make: _duplicate_with_supporters(make, undo=True),
    "move_supporters": lambda make: _duplicate_with_supporters(make, undo=False),
    "return_supporters": lambda make: _duplicate_with_supporters(make, undo=True),
    "block": _block,
    "unblock": _unblock,
    "change_role": _change_role,
    "assign": _assign,
    "unassign": lambda make: _assign(make, unassign=True),
    "internal_note": _note,
    "change_settings": _settings,
    "create_reason_template": _reason_template(False),
    "edit_reason_template": _reason_template(True),
    "create_response_template": _response_template(False),
    "edit_response_template": _response_template(True),
    "create_department": _department(False),
    "edit_department": _department(True),
    "create_category": _category(False),
    "edit_category": _category(True),
}


def test_every_labelled_action_has_a_scenario_here():
    assert set(SCENARIOS) == set(AUDIT_ACTION_LABELS)


@pytest.mark.parametrize("action", SCENARIOS)
def test_the_action_is_written_to_the_audit_log_with_its_actor(make, action):
    actor, post_id = SCENARIOS[action](make)
    db.session.commit()
    entry = db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id.desc()).first()
    assert entry is not None, f"no audit entry for {action}"
    assert entry.actor_id == (actor.id if actor is not None else None)
    if post_id is not None:
        assert entry.post_id == post_id
    assert entry.created_at >= utcnow() - timedelta(minutes=1)


def test_reasons_are_kept_with_the_entry(make):
    _block(make)
    _post_action("reject", PostStatus.PENDING, note="خارج از موضوع")(make)
    db.session.commit()
    notes = {e.action: e.note for e in db.session.query(AuditEntry)}
    assert notes["block"] == "هرزنامه" and notes["reject"] == "خارج از موضوع"


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.STAFF])
def test_residents_staff_and_visitors_do_not_read_the_audit_log(client, auth, make, role):
    if role is not None:
        auth.login(make.user(role))
    assert client.get("/moderation/audit").status_code == (302 if role is None else 403)


def _rendered_log(client, auth, make, action, role=Role.ADMIN) -> str:
    SCENARIOS[action](make)
    db.session.commit()
    auth.login(make.user(role))
    response = client.get(f"/moderation/audit?action={action}")
    assert response.status_code == 200
    return response.get_data(as_text=True).split('class="list-unstyled audit-log"')[1].split("</ol>")[0]


@pytest.mark.parametrize("action", SCENARIOS)
def test_every_entry_reads_as_a_sentence_with_its_fields_never_as_json(client, auth, make, action):
    log = _rendered_log(client, auth, make, action)
    assert "{" not in log and "&#34;" not in log and "<code" not in log
    sentence = re.search(r'<li class="audit-entry[^>]*>\s*<p class="mb-1">(.*?)</p>', log, re.S).group(1)
    assert re.search("[\u0600-\u06ff]", sentence) and sentence.strip().endswith(".")
    assert action not in sentence  # the action's name in words, not its code


def test_a_changed_field_shows_old_and_new_in_the_readers_language(client, auth, make):
    post, moderator = make.post(PostStatus.PENDING), _moderator(make)
    old = post.category
    services.recategorise_post(post, make.category(name_fa="روشنایی معابر"), moderator)
    workflow.transition(post, "approve", moderator)
    db.session.commit()
    auth.login(make.user(Role.ADMIN))
    log = client.get("/moderation/audit").get_data(as_text=True)
    category = log.split("<dt>دسته</dt>")[1].split("</dd>")[0]
    assert category.index(old.name_fa) < category.index("←") < category.index("روشنایی معابر")
    status = log.split("<dt>وضعیت</dt>")[1].split("</dd>")[0]
    assert "در انتظار بررسی" in status and "منتشرشده" in status
    client.set_cookie("lang", "en")
    english = client.get("/moderation/audit").get_data(as_text=True)
    assert "→" in english and old.name_en in english and "approved" in english


def test_moderators_read_the_log_of_their_work_not_administration(client, auth, make):
    for action in ("approve", "block", "hide", "recategorise", "change_role", "change_settings", "internal_note"):
        SCENARIOS[action](make)
    db.session.commit()
    auth.login(make.user(Role.MODERATOR))
    response = client.get("/moderation/audit")
    assert response.status_code == 200
    shown = {e.action for e in db.session.query(AuditEntry) if f'data-action="{e.action}"' in response.text}
    assert {"approve", "block", "hide", "recategorise"} <= shown
    assert not shown & {"change_role", "change_settings", "internal_note"}
    assert client.get("/moderation/audit?action=change_role").text.count('class="audit-entry') == 0
    options = response.text.split('id="a-action"')[1].split("</select>")[0]
    assert "change_role" not in options and "approve" in options


def test_moderators_cannot_find_people_by_e_mail_in_the_log(client, auth, make):
    author = make.user(Role.MODERATOR, email="hidden@example.org")
    workflow.transition(make.post(PostStatus.PENDING), "approve", author)
    db.session.commit()
    auth.login(make.user(Role.MODERATOR))
    response = client.get("/moderation/audit?actor=hidden@example.org")
    assert response.status_code == 400 and 'class="audit-entry' not in response.text
    assert client.get(f"/moderation/audit?actor={author.id}").text.count('class="audit-entry') == 1


def test_admins_read_every_entry(client, auth, make):
    for action in ("approve", "change_role", "change_settings", "internal_note"):
        SCENARIOS[action](make)
    db.session.commit()
    auth.login(make.user(Role.ADMIN))
    page = client.get("/moderation/audit").text
    assert all(f'data-action="{action}"' in page for action in ("approve", "change_role", "change_settings"))


def test_admins_filter_the_log_by_action_actor_post_and_date(client, auth, make):
    first_moderator = make.user(Role.MODERATOR, email="first@example.org")
    approved = make.post(PostStatus.PENDING)
    workflow.transition(approved, "approve", first_moderator)
    rejected = make.post(PostStatus.PENDING)
    workflow.transition(rejected, "reject", _moderator(make), note="تبلیغاتی")
    db.session.commit()
    auth.login(make.user(Role.ADMIN))
    page = client.get("/moderation/audit?action=reject").get_data(as_text=True)
    assert "تبلیغاتی" in page and f'/posts/{approved.id}"' not in page
    page = client.get("/moderation/audit?actor=first@example.org").get_data(as_text=True)
    assert f'/posts/{approved.id}"' in page and "تبلیغاتی" not in page
    page = client.get(f"/moderation/audit?post={rejected.id}").get_data(as_text=True)
    assert "تبلیغاتی" in page
    today = utcnow().date().isoformat()
    assert "تبلیغاتی" in client.get(f"/moderation/audit?since={today}&until={today}").get_data(as_text=True)
    assert "تبلیغاتی" not in client.get("/moderation/audit?until=2001-01-01").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "until=2026-13-45", "until=9999-12-31", "post=abc", "actor=nobody@example.org", "actor=999999"],
)
def test_unreadable_filters_are_a_400_with_a_message(client, auth, make, query):
    auth.login(make.user(Role.ADMIN))
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 400 and 'class="alert alert-danger"' in response.get_data(as_text=True)


def test_each_unreadable_filter_says_what_is_wrong_beside_its_box_and_keeps_what_was_typed(client, auth, make):
    moderator = make.user(Role.MODERATOR)
    workflow.transition(make.post(PostStatus.PENDING), "approve", moderator)
    db.session.commit()
    auth.login(moderator)
    response = client.get("/moderation/audit?post=abc&since=1405-13-40&actor=nobody@example.org&action=approve")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "abc" in page.split('id="a-post-error"')[1].split("</div>")[0]
    since_error = page.split('id="a-since-error"')[1].split("</div>")[0]
    assert "1405-13-40" in since_error
    assert 'value="1405-13-40"' in page and 'value="abc"' in page and 'value="nobody@example.org"' in page
    assert "nobody@example.org" in page.split('id="a-actor-error"')[1].split("</div>")[0]
    options = page.split('id="a-action"')[1].split("</select>")[0]
    assert re.search(r'<option selected value="approve">|<option value="approve" selected>', options)
    box = re.search(r'<input[^>]*id="a-post"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="a-post-error"' in box


def test_the_filter_boxes_take_their_limits_from_the_form(client, auth, make):
    auth.login(make.user(Role.ADMIN))
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert f'maxlength="{FILTER_MAX}"' in re.search(r'<input[^>]*id="a-actor"[^>]*>', page).group(0)
    response = client.get("/moderation/audit?actor=" + "x" * (FILTER_MAX + 1))
    assert response.status_code == 400 and 'id="a-actor-error"' in response.get_data(as_text=True)


def test_jalali_dates_filter_the_log(client, auth, make):
    _block(make)
    db.session.commit()
    auth.login(make.user(Role.ADMIN))
    assert "هرزنامه" in client.get("/moderation/audit?since=۱۴۰۰/۰۱/۰۱").get_data(as_text=True)
