"""`flask seed-demo`: a living demo city on an empty database (does nothing on one with users)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import click
from sqlalchemy import func, select

from app.accounts.addresses import email_key
from app.accounts.models import Role, User
from app.accounts.services import hash_password
from app.core.db import utcnow, write_intent
from app.demo import calls_seed, data, replies, texts_en, writing
from app.demo.fixes_seed import answer_fix_questions, backdate_fix_questions
from app.demo.moderation_data import REASONS
from app.demo.moderation_seed import seed_moderation
from app.departments.models import Department
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts import comments, votes
from app.posts.maintenance import recount_counters
from app.posts.models import LISTED_STATUSES, Category, Comment, Post, PostKind, Vote
from app.posts.services import submit_post

DEMO_PASSWORD = "shahrvand-demo"  # noqa: S105 - printed for the demo accounts; never a real account


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
    """Create departments, categories, users, posts, calls, votes and comments; returns the counts."""
    rng = rng or random.Random(1404)
    now = utcnow()
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
    call_ideas = calls_seed.idea_counts(post_count)
    drafts = writing.compose(post_count - sum(call_ideas), rng, now)
    posts = _posts(drafts, categories, users["residents"], rng)
    _move_through_workflow(drafts, posts, users, rng)
    answer_fix_questions(posts, users["moderators"][0], rng)
    calls = calls_seed.open_calls(departments, categories, users, rng, now, call_ideas)
    _backdate_workflow(posts, rng)
    backdate_fix_questions(rng)
    all_posts = posts + calls.posts
    supporters = _votes(all_posts, users["residents"], rng, calls.votes_until)
    comment_count = _comments(all_posts, users["residents"], rng, supporters)
    recount_counters()
    calls_seed.publish_outcome(calls, now)
    moderation = seed_moderation(users, rng)
    return {
        "users": sum(len(group) for group in users.values()),
        "posts": len(all_posts),
        "votes": sum(supporters.values()),
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
    english = iter(data.ENGLISH_NAMES)
    for number in range(1, 41):
        name = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
        if number % 7 == 0:  # a few residents write in English: students and newcomers
            name = next(english, name)
        residents.append(make(f"resident{number}@shahrvand.local", name, Role.RESIDENT))
    return {"admins": [admin], "moderators": moderators, "staff": staff, "residents": residents}


def _posts(drafts: list[writing.Draft], categories: dict[str, Category], residents: list[User], rng) -> list[Post]:
    """The residents' posts, each as its author sent it and on the day they sent it."""
    db.session.flush()
    english_writers = [r for r in residents if r.display_name in data.ENGLISH_NAMES]
    posts: list[Post] = []
    for draft in drafts:
        author = rng.choice(english_writers if draft.lang == "en" and english_writers else residents)
        if draft.duplicate_of is not None:  # someone else reports what another resident reported
            original_author = posts[draft.duplicate_of].author_id
            author = rng.choice([r for r in residents if r.id != original_author])
        post = submit_post(
            author,
            kind=PostKind(draft.kind),
            title=draft.title,
            body=draft.body,
            category=categories[draft.slug],
            address=draft.address,
            latitude=draft.latitude,
            longitude=draft.longitude,
        )
        post.created_at = post.last_activity_at = post.updated_at = draft.created_at
        posts.append(post)
    return posts


def _move_through_workflow(
    drafts: list[writing.Draft], posts: list[Post], users: dict[str, list[User]], rng: random.Random
) -> None:
    """Each post as far along as its plan says, with the moderators' reasons and the departments' words."""
    moderators = users["moderators"]
    staff_by_department = {user.department_id: user for user in users["staff"]}
    reasons = {title_en: body_fa for _title_fa, title_en, body_fa, _body_en in REASONS}
    for draft, post in zip(drafts, posts, strict=True):
        moderator = moderators[0] if rng.random() < 0.8 else moderators[1]
        plan = draft.plan
        if plan == "pending":
            continue
        if plan == "reject":
            reason, words = draft.reject
            workflow.transition(post, "reject", moderator, note=f"{reasons[reason]} {words}".strip())
            continue
        if plan == "duplicate":
            workflow.transition(post, "mark_duplicate", moderator, original=posts[draft.duplicate_of])
            continue
        workflow.transition(post, "approve", moderator)
        if plan == "publish":
            continue
        workflow.transition(post, "forward", moderator)
        staff = staff_by_department[post.department_id]
        if plan == "acknowledge" or (plan != "forward" and rng.random() < 0.4):
            notes = replies.ACKNOWLEDGE_FA if post.kind is PostKind.PROBLEM else replies.ACKNOWLEDGE_IDEA_FA
            workflow.transition(post, "acknowledge", staff, note=rng.choice(notes))
        if plan == "start" or (plan in ("resolve", "decline") and post.kind is PostKind.PROBLEM and rng.random() < 0.5):
            workflow.transition(post, "start", staff, note=rng.choice(replies.START_FA) or None)
        if plan == "resolve":
            workflow.transition(post, "resolve", staff, note=_resolution_note(draft, rng))
        elif plan == "decline":
            workflow.transition(post, "decline", staff, note=rng.choice(replies.DECLINE_FA))
    db.session.flush()


def _resolution_note(draft: writing.Draft, rng: random.Random) -> str:
    """What the department did: said of the topic when there is one, else of the category."""
    if draft.kind == "idea":
        return rng.choice(replies.RESOLVE_IDEA_FA)
    return replies.RESOLVE_TOPIC_FA.get(draft.topic) or rng.choice(replies.RESOLVE_FA[draft.slug])


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


def _votes(posts: list[Post], residents: list[User], rng: random.Random, until: dict[int, datetime]) -> dict[int, int]:
    """Residents support what they care about; popular posts attract more. Ideas of a closed call
    were voted on while it was open (`until`). Returns each post's number of votes."""
    rows = []
    for post in posts:
        if post.status not in LISTED_STATUSES:
            continue
        appeal = rng.paretovariate(1.2)
        voters = rng.sample(residents, k=min(len(residents), int(appeal * 2)))
        start = post.published_at or post.created_at
        end = until.get(post.id, utcnow())
        for voter in voters:
            if voter.id == post.author_id:
                continue
            value = votes.OPPOSE if post.kind is PostKind.IDEA and rng.random() < 0.2 else votes.SUPPORT
            moment = start + (end - start) * rng.random() ** 2
            rows.append(Vote(post_id=post.id, user_id=voter.id, value=value, created_at=moment))
    db.session.add_all(rows)
    db.session.flush()
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.post_id] = counts.get(row.post_id, 0) + 1
    return counts


def _comment_pool(post: Post) -> list[str]:
    if not any("\u0600" <= ch <= "\u06ff" for ch in post.title):
        return texts_en.COMMENTS_EN
    return replies.COMMENTS_PROBLEM_FA if post.kind is PostKind.PROBLEM else replies.COMMENTS_IDEA_FA


def _comments(posts: list[Post], residents: list[User], rng: random.Random, supporters: dict[int, int]) -> int:
    """Short threads under public posts, each comment said once, replies after what they answer."""
    count = 0
    for post in posts:
        # Talk gathers where support does; a duplicate's readers talk on the original.
        voices = supporters.get(post.id, 0)
        if not post.is_listed or rng.random() > 0.45 + voices / 30:
            continue
        pool = _comment_pool(post)
        start = post.published_at or post.created_at
        texts = rng.sample(pool, k=min(len(pool), rng.randint(1, 3 + voices // 10)))
        moments = sorted(start + (utcnow() - start) * rng.random() for _ in texts)
        thread: list[Comment] = []
        for text, moment in zip(texts, moments, strict=True):
            parent = rng.choice(thread) if thread and rng.random() < 0.3 else None
            author = rng.choice([r for r in residents if r.id != post.author_id])
            comment = comments.add_comment(post, author, text, parent=parent)
            comment.created_at = moment
            thread.append(comment)
            count += 1
    db.session.flush()
    return count
