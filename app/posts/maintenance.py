"""Operator tools: recount the stored counters of posts from the rows they summarise."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import case, func, select, update

from app.core.db import write_intent
from app.extensions import db
from app.posts import hot
from app.posts.models import Comment, Post, Vote

posts_cli = AppGroup("posts", help="Maintenance of posts.")


COUNTERS = ("up_count", "down_count", "support", "comment_count", "duplicate_count")


def _counted() -> tuple[dict[int, tuple[int, int]], dict[int, int], dict[int, int]]:
    """What the rows say: votes up and down, visible comments and duplicates, by post id."""
    votes = select(
        Vote.post_id,
        func.sum(case((Vote.value == 1, 1), else_=0)).label("up"),
        func.sum(case((Vote.value == -1, 1), else_=0)).label("down"),
    ).group_by(Vote.post_id)
    vote_rows = {row.post_id: (row.up, row.down) for row in db.session.execute(votes)}
    comment_rows = dict(
        db.session.execute(
            select(Comment.post_id, func.count()).where(Comment.is_hidden.is_(False)).group_by(Comment.post_id)
        ).all()
    )
    duplicate_rows = dict(
        db.session.execute(
            select(Post.duplicate_of_id, func.count())
            .where(Post.duplicate_of_id.is_not(None))
            .group_by(Post.duplicate_of_id)
        ).all()
    )
    return vote_rows, comment_rows, duplicate_rows


def _expected(post_id: int, counted) -> dict[str, int]:
    vote_rows, comment_rows, duplicate_rows = counted
    up, down = vote_rows.get(post_id, (0, 0))
    return {
        "up_count": up,
        "down_count": down,
        "support": up - down,
        "comment_count": comment_rows.get(post_id, 0),
        "duplicate_count": duplicate_rows.get(post_id, 0),
    }


def counter_drift() -> list[tuple[int, str, int, int]]:
    """Every stored counter that differs from its rows: (post id, counter, stored, counted)."""
    counted = _counted()
    drift = []
    for row in db.session.execute(select(Post.id, *(getattr(Post, name) for name in COUNTERS)).order_by(Post.id)):
        for name, value in _expected(row.id, counted).items():
            if getattr(row, name) != value:
                drift.append((row.id, name, getattr(row, name), value))
    return drift


def recount_counters(post_ids: list[int] | None = None) -> int:
    """Recompute votes, support, hot score and comment counts from the rows; returns posts changed."""
    counted = _counted()
    heat: dict[int, float] = {}
    for post_id, value, created_at in db.session.execute(select(Vote.post_id, Vote.value, Vote.created_at)):
        heat[post_id] = heat.get(post_id, 0.0) + value * hot.weight(created_at)
    query = select(Post.id, Post.published_at)
    if post_ids is not None:
        query = query.where(Post.id.in_(post_ids))
    changed = 0
    for post_id, published_at in db.session.execute(query).all():
        base = hot.weight(published_at) if published_at else 0.0
        db.session.execute(
            update(Post)
            .where(Post.id == post_id)
            .values(hot_score=base + heat.get(post_id, 0.0), **_expected(post_id, counted)),
            execution_options={"synchronize_session": False},
        )
        changed += 1
    return changed


@posts_cli.command("recount")
@click.option("--check", is_flag=True, help="Only report counters that differ from their rows (exit status 1 if any).")
def recount_command(check: bool):
    """Recompute every post's counters from its votes and comments (or, with --check, compare them)."""
    if check:
        drift = counter_drift()
        for post_id, name, stored, counted in drift:
            click.echo(f"post {post_id}: {name} is {stored}, its rows say {counted}")
        click.echo(f"{len(drift)} counters differ from their rows.")
        if drift:
            raise SystemExit(1)
        return
    with write_intent():
        changed = recount_counters()
        db.session.commit()
    click.echo(f"Recounted {changed} posts.")


@posts_cli.command("prune-photos")
@click.option("--older-than-hours", default=48, show_default=True, help="Keep files younger than this.")
def prune_photos_command(older_than_hours: int):
    """Delete uploaded files that no photo uses (forms never sent again)."""
    from app.posts.photos import prune_unreferenced

    removed = prune_unreferenced(older_than_hours * 3600)
    click.echo(f"Removed {removed} unused photo files.")
