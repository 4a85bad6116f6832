"""`flask seed-demo` shows a living city: moderation, department answers and notifications included."""

from sqlalchemy import func, select

from app.demo.seed import seed_demo
from app.departments.models import Assignment, InternalNote, ResponseTemplate
from app.extensions import db
from app.moderation.models import AuditEntry, Flag, ReasonTemplate, StatusChange
from app.notifications.models import Notification, OutboxEmail
from app.posts.models import Post


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_city_has_flags_answers_notifications_and_an_audit_trail(app):
    seed_demo(post_count=120)
    db.session.commit()
    assert _count(Flag) > 0 and _count(Post, Post.is_hidden.is_(True)) >= 1
    assert _count(ReasonTemplate) == 5 and _count(ResponseTemplate) > 0
    assert _count(StatusChange, StatusChange.is_official.is_(True)) > 0
    assert _count(StatusChange, StatusChange.action == "hand_back") == 1
    assert _count(InternalNote) > 0 and _count(Assignment) > 0
    assert _count(Notification) > 0 and 0 < _count(Notification, Notification.read_at.is_(None)) < _count(Notification)
    assert _count(AuditEntry) > 0
    assert _count(OutboxEmail) == 0  # demo addresses receive no mail


def test_seeding_twice_is_refused(runner):
    assert "Demo city ready" in runner.invoke(args=["seed-demo", "--posts", "30"]).output
    assert "already has users" in runner.invoke(args=["seed-demo", "--posts", "30"]).output
