"""Search's parts of other packages' pages (template hooks): the similar posts beside a post and
beside each pending post in the moderation queue."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import current_user

from app.accounts.permissions import can_moderate
from app.core.hooks import add_template_hook
from app.moderation.duplicates import is_far
from app.posts.models import Post, PostKind, PostStatus
from app.search.similar import similar_to_post


def _similar(post: Post, **options) -> str:
    items = similar_to_post(post)
    if not items:
        return ""
    can_mark = can_moderate(current_user) and post.status in (PostStatus.PENDING, PostStatus.PUBLISHED)
    # A problem far from this one is rarely the same: dimmed, and marked only through the post number.
    far = {item.post.id for item in items if post.kind is PostKind.PROBLEM and is_far(item.distance_m)}
    return render_template("search/_similar_panel.html", post=post, items=items, can_mark=can_mark, far=far, **options)


def _similar_card(post: Post) -> str:
    return _similar(post, card=True)


def register_hooks(app: Flask) -> None:
    add_template_hook(app, "post-aside", _similar_card, priority=30)
    add_template_hook(app, "pending-post-similar", _similar)
