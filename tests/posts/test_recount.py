"""`flask posts recount [--check]`: stored counters against the rows they summarise."""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.posts import votes
from app.posts.models import Post


def test_check_is_clean_when_every_counter_equals_its_rows(app, make, runner):
    post = make.post()
    votes.cast_vote(make.user(), post, 1)
    make.comment(post)
    db.session.commit()
    result = runner.invoke(args=["posts", "recount", "--check"])
    assert result.exit_code == 0, result.output
    assert "0 counters differ" in result.output


def test_check_names_every_counter_that_drifted_and_exits_1_and_recount_repairs_it(app, make, runner):
    post = make.post()
    votes.cast_vote(make.user(), post, 1)
    db.session.commit()
    db.session.execute(update(Post).where(Post.id == post.id).values(up_count=5, comment_count=2))
    db.session.commit()
    result = runner.invoke(args=["posts", "recount", "--check"])
    assert result.exit_code == 1
    assert f"post {post.id}: up_count is 5, its rows say 1" in result.output
    assert f"post {post.id}: comment_count is 2, its rows say 0" in result.output
    assert "2 counters differ" in result.output
    assert post.up_count == 5  # --check changes nothing
    assert runner.invoke(args=["posts", "recount"]).exit_code == 0
    assert runner.invoke(args=["posts", "recount", "--check"]).exit_code == 0
