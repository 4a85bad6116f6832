"""`flask seed-demo` builds a living city once, and never touches a database that has users."""

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.extensions import db
from app.moderation.models import StatusChange
from app.posts.models import Comment, Post, PostStatus, Vote


def test_seed_demo_builds_a_living_city_once(runner):
    result = runner.invoke(args=["seed-demo", "--posts", "120"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Post) == 120 and count(Vote) > 100 and count(Comment) > 20 and count(StatusChange) > 100
    roles = set(db.session.scalars(select(User.role)))
    assert roles == set(Role)
    statuses = set(db.session.scalars(select(Post.status)))
    assert {PostStatus.PENDING, PostStatus.PUBLISHED, PostStatus.RESOLVED} <= statuses
    persian = db.session.scalar(select(func.count()).where(Post.title.like("%خیابان%")))
    assert persian > 0
    # Stored counters agree with the rows they summarise.
    for post in db.session.scalars(select(Post).limit(30)):
        ups = db.session.scalar(select(func.count()).where(Vote.post_id == post.id, Vote.value == 1))
        assert post.up_count == ups

    again = runner.invoke(args=["seed-demo"])
    assert "already has users" in again.output
    assert count(Post) == 120


def test_demo_pages_render(runner, client):
    runner.invoke(args=["seed-demo", "--posts", "60"])
    db.session.rollback()
    for path in ["/", "/posts", "/posts?sort=newest", "/posts?kind=idea", "/posts?status=resolved"]:
        assert client.get(path).status_code == 200
    for post_id in db.session.scalars(select(Post.id).where(Post.is_listed.is_(True)).limit(10)):
        assert client.get(f"/posts/{post_id}").status_code == 200
