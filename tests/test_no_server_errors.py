"""Every route, as every role, with odd input: a 500 page is always a bug (TESTING re-raises it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.accounts.models import Role
from app.alerts import services as alerts
from app.calls import services as calls
from app.extensions import db
from app.moderation import flags
from app.moderation.models import FlagReason
from app.posts.models import PostStatus

ODD_QUERIES = [
    "",
    "?page=abc&kind=nope&status=nope&sort=nope&category=nope&reply=abc&show=x&role=x&blocked=maybe",
    "?page=-5&category=99999999999999999999999&reply=99999999999999999999999&status=pending",
    "?page=99999999999999999999999&q=%00%E2%80%AE%F0%9F%98%80" + "a" * 3000,
    "?endpoint=x&_method=POST&_external=1&_anchor=x&values=1&next=//evil.example",
    "?lat=nan&lon=inf&sort=distance&status=all&age=abc&location=zz&assignee=none",
    "?since=9999-12-31&until=0000-00-00&actor=99999999999999999999&post=abc&action=%00&subject=x",
    "?start=9999-12-30&end=9999-12-31",
    "?start=%DB%B1%DB%B4%DB%B0%DB%B5-01-01&end=1405-13-40",
]
ODD_FORMS = [
    {},
    {
        "action": "approve",
        "value": "99999999999999999999",
        "post_ids": ["1", "abc"],
        "department": "99999999999999999999",
        "original": "99999999999999999999",
        "template": "abc",
        "assignee": "-1",
        "parent_id": "99999999999999999999",
        "category": "x",
        "note": "n" * 3000,
        "body": "b",
        "decision": "uphold",
        "reason": "nope",
        "role": "emperor",
        "language": "xx",
        "flag_hide": "nan",
        "promising": "inf",
        "auto_forward": "1e999",
        "position": "99999999999999999999999",
        "remove_photos": "abc",
        "kept_photos": "zzz",
        "latitude": "nan",
        "longitude": "inf",
        "next": "//evil.example",
    },
    {"note": "a\x00b", "body": "\x00" * 30, "title": "\x00"},
]
SIGN_OUTS = {"/logout", "/profile/sign-out-everywhere"}  # they would end the role's session mid-test
ROLES = ["visitor", "resident", "moderator", "staff", "admin", "blocked resident", "blocked moderator"]


@pytest.fixture
def world(world_kept):
    return world_kept(_world)


def _world(make):
    department = make.department()
    category = make.category(department=department)
    post = make.post(PostStatus.FORWARDED, category=category)
    comment = make.comment(post)
    make.comment(post, parent=comment)
    flags.flag(make.user(), post, FlagReason.SPAM)
    flags.flag(make.user(), comment, FlagReason.OTHER, "بد")
    staff = make.user(Role.STAFF, department=department)
    call = calls.open_call(
        staff,
        department=department,
        categories=[category],
        title="فراخوان",
        question="چه؟",
        opens_on=date.today() - timedelta(days=1),
        closes_on=date.today() + timedelta(days=7),
    )
    make.post(PostStatus.RESOLVED, category=category)
    db.session.commit()
    users = {
        "visitor": None,
        "resident": make.user(),
        "moderator": make.user(Role.MODERATOR),
        "staff": staff,
        "admin": make.user(Role.ADMIN),
        "blocked resident": make.user(is_blocked=True),
        "blocked moderator": make.user(Role.MODERATOR, is_blocked=True),
    }
    values = {
        "post_id": post.id,
        "comment_id": comment.id,
        "user_id": users["resident"].id,
        "slug": department.slug,
        "department_id": department.id,
        "category_id": category.id,
        "notification_id": 1,
        "template_id": 1,
        "photo_id": 1,
        "variant": "thumb",
        "token": "abc",
        "call_id": call.id,
        "follow_id": alerts.follow_category(users["resident"], category).id,
    }
    db.session.commit()
    return users, values


def _routes(app, values) -> list[tuple[str, str]]:
    """(method, url) for every route whose arguments we can fill in."""
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not set(rule.arguments) <= set(values):
            continue
        url = adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}) if url not in SIGN_OUTS]
    return list(dict.fromkeys(routes))  # two rules can build one address (ids 1 stand for templates and departments)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_server_error_whatever_it_is_sent(app, client, auth, world, role):
    users, values = world
    if users[role] is not None:
        auth.login(users[role])
    failures = []
    for method, url in _routes(app, values):
        sends = [("GET", url + query, None) for query in ODD_QUERIES] if method == "GET" else []
        sends += [("POST", url, form) for form in ODD_FORMS] if method == "POST" else []
        for verb, target, form in sends:
            try:
                code = client.open(target, method=verb, data=form).status_code
            except Exception as error:  # every kind of crash is what we look for
                db.session.rollback()
                code = f"{type(error).__name__}: {error}"[:200]
            if not isinstance(code, int) or code >= 500:
                failures.append(f"{verb} {target[:120]} -> {code}")
    assert not failures, "\n".join(failures)
