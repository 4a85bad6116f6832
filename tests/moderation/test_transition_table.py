"""The full transition table: every action from every status, for every kind of actor.

The expected table is written out here by hand from DESIGN.md ("The life of a post"), not read
from the workflow module, so that a change to either shows up as a failure.
"""

import pytest
from flask_login import AnonymousUserMixin

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts.models import PostStatus as S

MOD, ADMIN, OWN_STAFF = "moderator", "admin", "own_staff"
# action: (statuses it starts from, status it leads to, who may make it)
TABLE = {
    "approve": ({S.PENDING}, S.PUBLISHED, {MOD, ADMIN}),
    "reject": ({S.PENDING}, S.REJECTED, {MOD, ADMIN}),
    "mark_duplicate": ({S.PENDING, S.PUBLISHED}, S.DUPLICATE, {MOD, ADMIN}),
    # Undo: back to where it was marked from (the fixture's duplicate was pending).
    "not_duplicate": ({S.DUPLICATE}, S.PENDING, {MOD, ADMIN}),
    "forward": ({S.PUBLISHED}, S.FORWARDED, {MOD, ADMIN}),
    "hand_back": ({S.FORWARDED, S.IN_PROGRESS}, S.PUBLISHED, {MOD, ADMIN, OWN_STAFF}),
    "acknowledge": ({S.FORWARDED}, S.FORWARDED, {ADMIN, OWN_STAFF}),
    "start": ({S.FORWARDED}, S.IN_PROGRESS, {ADMIN, OWN_STAFF}),
    "resolve": ({S.FORWARDED, S.IN_PROGRESS}, S.RESOLVED, {ADMIN, OWN_STAFF}),
    "decline": ({S.FORWARDED, S.IN_PROGRESS}, S.DECLINED, {ADMIN, OWN_STAFF}),
    "reopen": ({S.RESOLVED, S.DECLINED}, S.FORWARDED, {MOD, ADMIN}),
    # "It is not fixed": the author (who follows their own problem) or a follower, on a resolved problem.
    "dispute": ({S.RESOLVED}, S.RESOLVED, {"author"}),
    # The author takes their post back, from any status but withdrawn itself.
    "withdraw": (set(S) - {S.WITHDRAWN}, S.WITHDRAWN, {"author"}),
}
ROLES = ["visitor", "resident", "author", MOD, ADMIN, OWN_STAFF, "other_staff", "system"]


def test_the_table_covers_every_action_of_the_workflow():
    assert set(TABLE) == set(workflow.TRANSITIONS)


def _expected(role: str, action: str, status: S) -> str:
    sources, _target, who = TABLE[action]
    if role != "system":
        # Department moves need a post that is with a department (admins count as its staff).
        with_department = status in (S.FORWARDED, S.IN_PROGRESS, S.RESOLVED, S.DECLINED)
        as_staff = role == OWN_STAFF or (role == ADMIN and MOD not in who)
        if role not in who or (as_staff and not with_department):
            return "forbidden"
    return "ok" if status in sources else "conflict"


@pytest.fixture
def world(world_kept):
    return world_kept(_world)


def _world(make):
    department = make.department()
    category = make.category(department=department)
    author = make.user()
    actors = {
        "visitor": AnonymousUserMixin(),
        "resident": make.user(),
        "author": author,
        MOD: make.user(Role.MODERATOR),
        ADMIN: make.user(Role.ADMIN),
        OWN_STAFF: make.user(Role.STAFF, department=department),
        "other_staff": make.user(Role.STAFF),
        "system": None,
    }
    original = make.post(S.PUBLISHED, category=category)
    posts = {status: make.post(status, category=category, author=author) for status in S if status is not S.DUPLICATE}
    posts[S.DUPLICATE] = make.post(S.PENDING, category=category, author=author)
    workflow.transition(posts[S.DUPLICATE], "mark_duplicate", actors[MOD], original=original)
    db.session.commit()
    return actors, posts, original


def _attempt(post, action, actor, original) -> str:
    try:
        workflow.transition(post, action, actor, note="یادداشت عمومی", original=original)
    except workflow.TransitionForbiddenError:
        return "forbidden"
    except workflow.TransitionError:
        return "conflict"
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_every_move_from_every_status_is_allowed_or_refused_as_the_table_says(world, role):
    actors, posts, original = world
    actor = actors[role]
    mismatches = []
    for action, (_sources, target, _who) in TABLE.items():
        for status, post in posts.items():
            savepoint = db.session.begin_nested()
            changes_before = db.session.query(StatusChange).count()
            outcome = _attempt(post, action, actor, original)
            expected = _expected(role, action, status)
            if outcome != expected:
                mismatches.append((action, status.value, outcome, expected))
            elif outcome == "ok":
                change = db.session.query(StatusChange).order_by(StatusChange.id.desc()).first()
                assert post.status is target
                assert (change.action, change.from_status, change.to_status) == (action, status, target)
                assert change.actor_id == (actor.id if actor is not None else None)
            else:
                assert post.status is status, "a refused move must change nothing"
                assert db.session.query(StatusChange).count() == changes_before
            savepoint.rollback()
            db.session.expire_all()
    assert mismatches == [], f"(action, from, got, expected) for {role}: {mismatches}"
