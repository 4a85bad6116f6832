"""`flask seed-demo`: a living demo city on an empty database (does nothing on one with users)."""

from __future__ import annotations

import gzip
import json
import random
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import func, select

from app.accounts.addresses import email_key
from app.accounts.models import Role, User
from app.accounts.services import hash_password
from app.core.db import utcnow, write_intent
from app.demo import data
from app.demo.moderation_seed import seed_moderation
from app.departments.models import Department
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts import comments, votes
from app.posts.maintenance import recount_counters
from app.posts.models import Category, Comment, Post, PostKind, PostStatus, Vote
from app.posts.services import submit_post

DEMO_PASSWORD = "shahrvand-demo"  # noqa: S105 - printed for the demo accounts; never a real account
SAMPLE = Path(__file__).with_name("boston_sample.jsonl.gz")


@click.command("seed-demo")
@click.option("--posts", "post_count", default=400, show_default=True, help="How many posts to create.")
def seed_demo_command(post_count: int):
    """Fill an empty database with Mashhad's demo city (skipped when users exist)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already has users; the demo city was not added.")
        return
    with write_intent():
        summary = seed_demo(post_count=post_count)
        db.session.commit()
    click.echo(
        f"Demo city ready: {summary['users']} users, {summary['posts']} posts, "
        f"{summary['votes']} votes, {summary['comments']} comments, {summary['flags']} flags. "
        f"Sign in as admin@shahrvand.local, moderator@shahrvand.local, staff-<department>@shahrvand.local "
        f"or resident1@shahrvand.local with the password {DEMO_PASSWORD!r}."
    )


def seed_demo(*, post_count: int = 400, rng: random.Random | None = None) -> dict[str, int]:
    """Create departments, categories, users, posts, votes and comments; returns the counts."""
    rng = rng or random.Random(1404)
    departments = {
        slug: Department(slug=slug, name_fa=fa, name_en=en, contact_email=f"{slug}@mashhad.example")
        for slug, fa, en in data.DEPARTMENTS
    }
    db.session.add_all(departments.values())
    categories = {}
    for position, (slug, fa, en, department, problems, ideas) in enumerate(data.CATEGORIES):
        categories[slug] = Category(
            slug=slug,
            name_fa=fa,
            name_en=en,
            default_department=departments[department],
            accepts_problems=problems,
            accepts_ideas=ideas,
            position=position,
        )
    db.session.add_all(categories.values())
    db.session.flush()

    users = _users(departments, rng)
    posts = _posts(post_count, categories, users["residents"], rng)
    _move_through_workflow(posts, users, rng)
    vote_count = _votes(posts, users["residents"], rng)
    comment_count = _comments(posts, users["residents"], rng)
    recount_counters()
    moderation = seed_moderation(users, rng)
    return {
        "users": sum(len(group) for group in users.values()),
        "posts": len(posts),
        "votes": vote_count,
        "comments": comment_count,
        "flags": moderation["flags"],
    }


def _users(departments: dict[str, Department], rng: random.Random) -> dict[str, list[User]]:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every demo account keeps seeding fast

    def make(email: str, name: str, role: Role, department=None) -> User:
        user = User(
            email=email,
            display_name=name,
            password_hash=password_hash,
            role=role,
            department=department,
            email_key=email_key(email),
            email_verified_at=utcnow(),  # demo accounts are ready to take part
        )
        db.session.add(user)
        return user

    admin = make("admin@shahrvand.local", "مدیر سامانه", Role.ADMIN)
    moderators = [
        make("moderator@shahrvand.local", "ناظر محتوا", Role.MODERATOR),
        make("moderator2@shahrvand.local", "Content moderator", Role.MODERATOR),
    ]
    staff = [
        make(f"staff-{slug}@shahrvand.local", f"کارشناس {department.name_fa}", Role.STAFF, department)
        for slug, department in departments.items()
    ]
    residents = []
    for number in range(1, 41):
        name = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}" if number % 4 else f"Resident {number}"
        residents.append(make(f"resident{number}@shahrvand.local", name, Role.RESIDENT))
    return {"admins": [admin], "moderators": moderators, "staff": staff, "residents": residents}


def _english_samples() -> list[dict]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _posts(count: int, categories: dict[str, Category], residents: list[User], rng: random.Random) -> list[Post]:
    """Persian problems and ideas about Mashhad's places, and real English reports for volume."""
    db.session.flush()
    english = _english_samples()
    rng.shuffle(english)
    posts: list[Post] = []
    now = utcnow()
    for number in range(count):
        author = rng.choice(residents)
        roll = rng.random()
        if roll < 0.6:
            slug, title, body = rng.choice(data.PROBLEMS)
            place, lat, lon = rng.choice(data.PLACES)
            fields = {
                "kind": PostKind.PROBLEM,
                "title": title.format(place=place),
                "body": body.format(place=place),
                "address": place,
                "latitude": lat + rng.uniform(-0.004, 0.004),
                "longitude": lon + rng.uniform(-0.004, 0.004),
            }
        elif roll < 0.75 or not english:
            slug, title, body = rng.choice(data.IDEAS)
            fields = {"kind": PostKind.IDEA, "title": title, "body": body}
        else:
            sample = english.pop()
            slug = sample["category"]
            fields = {"kind": PostKind.PROBLEM, "title": sample["title"], "body": sample["body"]}
        post = submit_post(author, category=categories[slug], **fields)
        post.created_at = now - timedelta(days=rng.uniform(0, 120), minutes=number)
        post.last_activity_at = post.updated_at = post.created_at
        posts.append(post)
    return posts


def _move_through_workflow(posts: list[Post], users: dict[str, list[User]], rng: random.Random) -> None:
    """Most posts approved; some forwarded and answered; a few left pending or rejected."""
    moderator = users["moderators"][0]
    staff_by_department = {user.department_id: user for user in users["staff"]}
    for post in posts:
        roll = rng.random()
        if roll < 0.08:
            continue  # still waiting for a moderator
        if roll < 0.11:
            workflow.transition(post, "reject", moderator, note="این پست قوانین سامانه را رعایت نکرده است.")
            continue
        workflow.transition(post, "approve", moderator)
        if post.kind is PostKind.PROBLEM and rng.random() < 0.45:
            workflow.transition(post, "forward", moderator)
            staff = staff_by_department[post.department_id]
            step = rng.random()
            if step < 0.25:
                workflow.transition(post, "acknowledge", staff, note=data.RESPONSES_FA["acknowledge"])
            elif step < 0.5:
                workflow.transition(post, "start", staff)
            elif step < 0.85:
                workflow.transition(post, "resolve", staff, note=data.RESPONSES_FA["resolve"])
            else:
                workflow.transition(post, "decline", staff, note=data.RESPONSES_FA["decline"])
    db.session.flush()
    _backdate_workflow(posts, rng)


def _backdate_workflow(posts: list[Post], rng: random.Random) -> None:
    """Spread each post's status changes over the days after it was written."""
    by_post: dict[int, list[StatusChange]] = {}
    for change in db.session.scalars(select(StatusChange).order_by(StatusChange.id)):
        by_post.setdefault(change.post_id, []).append(change)
    for post in posts:
        moment = post.created_at
        for change in by_post.get(post.id, []):
            moment = min(moment + timedelta(hours=rng.uniform(2, 72)), utcnow())
            change.created_at = moment
            if change.action == "approve":
                post.published_at = moment
        post.last_activity_at = moment


def _votes(posts: list[Post], residents: list[User], rng: random.Random) -> int:
    """Residents support what they care about; popular posts attract more."""
    rows = []
    for post in posts:
        if post.status not in (
            PostStatus.PUBLISHED,
            PostStatus.FORWARDED,
            PostStatus.IN_PROGRESS,
            PostStatus.RESOLVED,
            PostStatus.DECLINED,
        ):
            continue
        appeal = rng.paretovariate(1.2)
        voters = rng.sample(residents, k=min(len(residents), int(appeal * 2)))
        for voter in voters:
            if voter.id == post.author_id:
                continue
            value = votes.OPPOSE if post.kind is PostKind.IDEA and rng.random() < 0.2 else votes.SUPPORT
            start = post.published_at or post.created_at
            moment = start + (utcnow() - start) * rng.random() ** 2
            rows.append(Vote(post_id=post.id, user_id=voter.id, value=value, created_at=moment))
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def _comments(posts: list[Post], residents: list[User], rng: random.Random) -> int:
    count = 0
    for post in posts:
        if not post.is_public or rng.random() < 0.4:
            continue
        pool = data.COMMENTS_FA if any("\u0600" <= ch <= "\u06ff" for ch in post.title) else data.COMMENTS_EN
        thread: list[Comment] = []
        for _ in range(rng.randint(1, 4)):
            parent = rng.choice(thread) if thread and rng.random() < 0.3 else None
            comment = comments.add_comment(post, rng.choice(residents), rng.choice(pool), parent=parent)
            start = post.published_at or post.created_at
            comment.created_at = start + (utcnow() - start) * rng.random()
            thread.append(comment)
            count += 1
    db.session.flush()
    return count
