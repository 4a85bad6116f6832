"""Residents' answers to "is it fixed?": most confirm, some say it is not, one such post reopened."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.db import utcnow
from app.demo import replies
from app.extensions import db
from app.fixes import services as fixes
from app.fixes.models import FixAnswer, FixQuestion
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.posts.models import Post, PostKind, PostStatus


def answer_fix_questions(posts: list[Post], moderator, rng: random.Random) -> None:
    """Answer the questions the resolutions asked; a moderator reopens the last disputed post."""
    resolved = {p.id: p for p in posts if p.status is PostStatus.RESOLVED and p.kind is PostKind.PROBLEM}
    if not resolved:
        return
    questions = db.session.scalars(
        select(FixQuestion).where(FixQuestion.post_id.in_(list(resolved))).order_by(FixQuestion.id)
    ).all()
    disputed = []
    for number, question in enumerate(questions):
        post, user = resolved[question.post_id], db.session.get(User, question.user_id)
        roll = rng.random() if number else 0.6  # the first answer is a "no": the moderators' tab is never empty
        if roll < 0.55:
            fixes.confirm_fix(post, user)
        elif roll < 0.68:
            fixes.dispute_fix(post, user, rng.choice(replies.DISPUTE_FA))
            disputed.append(post)
    if disputed:
        workflow.transition(disputed[-1], "reopen", moderator, note=replies.HAND_BACK_REOPEN_FA)
    db.session.flush()


def backdate_fix_questions(rng: random.Random) -> None:
    """Asked when the resolution was made; answered in the days after it (a "no" when it was said)."""
    now = utcnow()
    disputes = {
        (change.post_id, change.actor_id): change.created_at
        for change in db.session.scalars(select(StatusChange).where(StatusChange.action == "dispute"))
    }
    for question in db.session.scalars(select(FixQuestion)):
        question.asked_at = question.resolution.created_at
        if question.answer is FixAnswer.DISPUTED:
            question.answered_at = disputes.get((question.post_id, question.user_id), question.asked_at)
        elif question.answer is FixAnswer.CONFIRMED:
            question.answered_at = min(question.asked_at + timedelta(hours=rng.uniform(3, 140)), now)
    db.session.flush()
