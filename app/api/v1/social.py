"""/api/v1: votes, follows and the caller's notifications."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from app.api.v1 import bp, cursor
from app.api.v1 import schemas as s
from app.api.v1.auth import require, require_user
from app.api.v1.io import answer, args, body
from app.api.v1.posts import visible_post
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.notifications.texts import describe
from app.posts import follows, permissions, votes
from app.posts.permissions import can_view_post


def _vote_state(user, post) -> dict:
    db.session.refresh(post)  # the counters moved by SQL increments
    return {
        "value": votes.user_vote(user, post),
        **{k: getattr(post, k) for k in ("up_count", "down_count", "support")},
    }


@bp.route("/posts/<int:post_id>/vote", methods=["PUT", "DELETE"])
def vote(post_id: int):
    """PUT sets the caller's vote (1 support, -1 oppose: ideas only); DELETE takes it back.
    Both are idempotent, unlike the web's toggle button.
    ---
    put:
      tags: [votes]
      security: [{token: []}]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      requestBody:
        required: true
        content:
          application/json:
            schema: VoteInSchema
      responses:
        200:
          content:
            application/json:
              schema: VoteSchema
    delete:
      tags: [votes]
      security: [{token: []}]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      responses:
        200:
          content:
            application/json:
              schema: VoteSchema
    """
    user = require_user()
    post = visible_post(post_id)
    held = votes.user_vote(user, post)
    if request.method == "PUT":
        wanted = body(s.VoteInSchema())["value"]
        if held != wanted:
            votes.cast_vote(user, post, wanted)  # casting a different vote replaces the held one
    elif held:
        votes.cast_vote(user, post, held)  # the same vote again takes it back
    db.session.commit()
    return answer(s.VoteSchema(), _vote_state(user, post))


@bp.route("/posts/<int:post_id>/follow", methods=["PUT", "DELETE"])
def follow(post_id: int):
    """PUT follows the post (hear about its changes); DELETE stops following.
    ---
    put:
      tags: [follows]
      security: [{token: []}]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      responses:
        200:
          content:
            application/json:
              schema: FollowSchema
    delete:
      tags: [follows]
      security: [{token: []}]
      parameters:
      - {in: path, name: post_id, required: true, schema: {type: integer, minimum: 0, maximum: 2147483647}}
      responses:
        200:
          content:
            application/json:
              schema: FollowSchema
    """
    user = require_user()
    post = visible_post(post_id)
    require(permissions.can_follow(user, post), hide=True)
    if request.method == "PUT":
        follows.follow_post(user, post)
    else:
        follows.unfollow_post(user, post)
    db.session.commit()
    return answer(s.FollowSchema(), {"following": follows.is_following(user, post)})


@bp.get("/notifications")
def list_notifications():
    """The caller's notifications, newest first.
    ---
    get:
      tags: [notifications]
      security: [{token: []}]
      parameters:
      - in: query
        schema: CursorArgsSchema
      responses:
        200:
          content:
            application/json:
              schema: NotificationPageSchema
    """
    user = require_user()
    given = args(s.CursorArgsSchema())
    query = select(Notification).where(Notification.user_id == user.id)
    items, next_cursor = cursor.page(
        query, (Notification.created_at, Notification.id), given["cursor"], s.page_size(given["limit"])
    )
    shown = [
        {
            "id": item.id,
            "kind": item.kind.value,
            "text": describe(item, user),
            "post_id": item.post_id if item.post is not None and can_view_post(user, item.post) else None,
            "created_at": item.created_at,
            "read_at": item.read_at,
        }
        for item in items
    ]
    page = {"items": shown, "unread": notifications.unread_count(user), "next_cursor": next_cursor}
    return answer(s.NotificationPageSchema(), page)


@bp.post("/notifications/read-all")
def mark_notifications_read():
    """Mark every notification of the caller as read.
    ---
    post:
      tags: [notifications]
      security: [{token: []}]
      responses:
        200:
          content:
            application/json:
              schema: MarkedReadSchema
    """
    user = require_user()
    marked = notifications.mark_all_read(user)
    db.session.commit()
    return answer(s.MarkedReadSchema(), {"marked": marked})
