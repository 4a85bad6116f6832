"""Which published posts deserve a department's attention: a support score, and auto-forwarding.

score = n · (2·w − 1) + V · recent
  n       up + down votes;
  w       the lower bound of the 95% Wilson interval on the share of supporters (up / n);
  n(2w−1) the net support (supporters minus opponents) we are 95% sure of: it grows with the
          number of voters, falls with opposition, and discounts a handful of votes;
  recent  net support with each vote weighted 2^(−age / 7 days), i.e. how fast support comes now
          (read from the stored hot score, so no query per post);
  V       PROMISING_VELOCITY_WEIGHT (1: a vote cast today counts about twice, a month-old one once).
docs/decisions/0010-promising-score.md has the alternatives and the figures behind the defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.db import utcnow
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import StatusChange
from app.moderation.settings import thresholds
from app.posts import hot
from app.posts.models import Category, Post, PostStatus
from app.posts.signals import vote_changed

Z = 1.96  # 95% confidence


def wilson_lower_bound(positive: int, total: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval for the share positive/total (0 when total is 0)."""
    if total <= 0:
        return 0.0
    p = positive / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (centre - margin) / (1 + z2 / total)


def confident_net_support(up: int, down: int) -> float:
    """Net support we are 95% sure of: n · (2·wilson − 1)."""
    total = up + down
    return total * (2 * wilson_lower_bound(up, total) - 1) if total else 0.0


def recent_support(post: Post, now: datetime) -> float:
    """Net votes with exponential decay (7-day half-life), without the publication bonus."""
    publication = hot.weight(post.published_at) if post.published_at else 0.0
    return max(0.0, hot.decayed_support(post.hot_score - publication, now))


@dataclass(frozen=True)
class ScoredPost:
    post: Post
    score: float
    confident: float
    recent: float


def score_post(post: Post, now: datetime | None = None) -> ScoredPost:
    now = now or utcnow()
    confident = confident_net_support(post.up_count, post.down_count)
    recent = recent_support(post, now)
    weight = current_app.config["PROMISING_VELOCITY_WEIGHT"]
    return ScoredPost(post, confident + weight * recent, confident, recent)


def promising_posts(now: datetime | None = None) -> list[ScoredPost]:
    """Published posts whose score reaches the threshold, best first."""
    now = now or utcnow()
    threshold = thresholds().promising
    # score ≤ (1 + V) · up, so posts below this many supporters cannot qualify (one index range).
    floor = max(1, math.ceil(threshold / (1 + current_app.config["PROMISING_VELOCITY_WEIGHT"]) - 1e-9))
    candidates = db.session.scalars(
        select(Post)
        .where(Post.status == PostStatus.PUBLISHED, Post.up_count >= floor, Post.is_hidden.is_(False))
        .options(joinedload(Post.category).joinedload(Category.default_department))
    )
    scored = [s for s in (score_post(post, now) for post in candidates) if s.score >= threshold]
    return sorted(scored, key=lambda s: (-s.score, -s.post.support, s.post.id))


def handed_back_posts() -> list[Post]:
    """Published posts a department handed back: they wait for a moderator to forward them again."""
    handed_back = select(StatusChange.post_id).where(StatusChange.action == "hand_back")
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.status == PostStatus.PUBLISHED, Post.id.in_(handed_back))
            .order_by(Post.last_activity_at.desc())
        )
    )


@vote_changed.connect
def _auto_forward(post: Post, **_extra) -> None:
    """Forward a published post to its category's department once its score passes the second threshold."""
    if post.status is not PostStatus.PUBLISHED or post.is_hidden:
        return
    limits = thresholds()
    if not limits.auto_forward_enabled or score_post(post).score < limits.auto_forward:
        return
    department = post.category.default_department
    if department is None or not department.is_active:
        return  # a moderator chooses; the post shows in the promising tab
    handed_back = db.session.scalar(
        select(StatusChange.id).where(StatusChange.post_id == post.id, StatusChange.action == "hand_back").limit(1)
    )
    if handed_back is None:  # a department said "not ours": a person decides where it goes next
        workflow.transition(post, "forward", None, department=department)
