"""`flask seed-demo` shows a living city: every step of a post's life, calls for ideas with their
outcome, moderation, department answers and notifications, all of it about Mashhad; it builds the
city once, never touching a database that has users, and the city's pages render."""

from collections import Counter

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.calls.models import Call, CallIdea
from app.core.db import utcnow
from app.departments.models import Assignment, InternalNote, ResponseTemplate
from app.extensions import db
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation.models import AuditEntry, Flag, ReasonTemplate, StatusChange
from app.notifications.models import Notification, OutboxEmail
from app.posts.models import PUBLIC_STATUSES, Comment, Post, PostStatus, Vote
from tests.demo import BOSTON, MASHHAD, persian, written_for_mashhad


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_city_shows_every_step_of_a_posts_life_its_calls_and_its_moderation(runner):
    """Seeded once, by the command (each seeding of 120 posts costs seconds): then a second run is refused."""
    result = runner.invoke(args=["seed-demo", "--posts", "120"])
    assert result.exit_code == 0 and "Demo city ready" in result.output, result.output
    db.session.rollback()
    posts = list(db.session.scalars(select(Post)))
    assert len(posts) == 120 and _count(Vote) > 100 and _count(Comment) > 20 and _count(StatusChange) > 100
    assert set(db.session.scalars(select(User.role))) == set(Role)
    # Stored counters agree with the rows they summarise.
    for post in posts[:30]:
        assert post.up_count == _count(Vote, Vote.post_id == post.id, Vote.value == 1)
    workflow = {"pending", "published", "forwarded", "in_progress", "resolved", "declined", "rejected", "duplicate"}
    assert {p.status.value for p in posts} >= workflow
    actions = set(db.session.scalars(select(StatusChange.action)))
    assert {"acknowledge", "start", "resolve", "decline", "dispute", "reopen", "hand_back", "mark_duplicate"} <= actions
    # Rejections give the author a reason; departments answer in Persian.
    notes = db.session.scalars(select(StatusChange.note).where(StatusChange.action.in_(("reject", "resolve"))))
    assert all(note and persian(note) for note in notes)
    answers = Counter(db.session.scalars(select(FixQuestion.answer).where(FixQuestion.answer.is_not(None))))
    assert answers[FixAnswer.CONFIRMED] > answers[FixAnswer.DISPUTED] > 0
    # Duplicates point at a public original and are the only public posts that repeat a problem.
    public = [p for p in posts if p.status in PUBLIC_STATUSES and p.status is not PostStatus.DUPLICATE]
    assert len({p.title for p in public}) == len(public) and len({p.body for p in public}) == len(public)
    for post in posts:
        if post.status is PostStatus.DUPLICATE:
            original = db.session.get(Post, post.duplicate_of_id)
            assert original.is_public and original.title != post.title and original.author_id != post.author_id
        assert not BOSTON.search(f"{post.title} {post.body}")
        if post.latitude is not None:
            assert MASHHAD[0] < post.latitude < MASHHAD[2] and MASHHAD[1] < post.longitude < MASHHAD[3]
    assert sum(persian(p.title) for p in posts) >= 0.85 * len(posts)
    assert all(written_for_mashhad(p.title, p.address) for p in posts if not persian(p.title))
    # Calls for ideas: one closed with its outcome idea by idea, one open, one announced.
    now = utcnow()
    calls = list(db.session.scalars(select(Call).order_by(Call.opens_at)))
    closed, current, upcoming = calls
    assert closed.has_closed(now) and closed.outcome and closed.outcome_published_at < now
    assert current.is_open(now) and current.outcome is None
    assert upcoming.opens_at > now
    decided = db.session.scalars(select(CallIdea).where(CallIdea.call_id == closed.id)).all()
    assert {idea.is_taken_up for idea in decided} == {True, False}
    ideas_now = db.session.scalar(select(func.count()).select_from(CallIdea).where(CallIdea.call_id == current.id))
    assert ideas_now > 0
    # Moderation and the departments at work, seen by moderators and staff.
    assert _count(Flag) > 0 and _count(Post, Post.is_hidden.is_(True)) >= 1
    assert _count(ReasonTemplate) == 5 and _count(ResponseTemplate) > 0
    assert _count(StatusChange, StatusChange.is_official.is_(True)) > 0
    assert _count(StatusChange, StatusChange.action == "hand_back") == 1
    assert _count(InternalNote) > 0 and _count(Assignment) > 0
    assert _count(Notification) > 0 and 0 < _count(Notification, Notification.read_at.is_(None)) < _count(Notification)
    assert _count(AuditEntry) > 0
    assert _count(OutboxEmail) == 0  # demo addresses receive no mail

    again = runner.invoke(args=["seed-demo", "--posts", "30"])
    assert "already has users" in again.output and _count(Post) == 120


def test_demo_pages_render(runner, client):
    result = runner.invoke(args=["seed-demo", "--posts", "60"])
    assert result.exit_code == 0 and "Demo city ready" in result.output, result.output
    db.session.rollback()
    for path in ["/", "/posts", "/posts?sort=newest", "/posts?kind=idea", "/posts?status=resolved"]:
        assert client.get(path).status_code == 200
    listed = db.session.scalars(select(Post.id).where(Post.is_listed.is_(True)).limit(10)).all()
    assert len(listed) == 10  # a city with posts to show, not an empty one
    for post_id in listed:
        assert client.get(f"/posts/{post_id}").status_code == 200
