"""What posts keeps of a user, for their data download and for deleting their account."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.accounts.signals import account_deleting, personal_data_requested
from app.extensions import db
from app.posts.models import Comment, Follow, Post, PostRevision, Vote


def _when(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


@personal_data_requested.connect
def _posts_data(user, **_extra) -> dict:
    posts = db.session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id))
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    votes = db.session.scalars(select(Vote).where(Vote.user_id == user.id).order_by(Vote.id))
    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.post_id))
    versions = db.session.scalars(
        select(PostRevision).where(PostRevision.editor_id == user.id).order_by(PostRevision.id)
    )
    return {
        "posts": [
            {
                "id": p.id,
                "kind": p.kind.value,
                "status": p.status.value,
                "title": p.title,
                "body": p.body,
                "address": p.address,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "photos": [photo.file_key for photo in p.photos],
                "created_at": _when(p.created_at),
            }
            for p in posts
        ],
        "comments": [
            {"id": c.id, "post_id": c.post_id, "body": c.body, "created_at": _when(c.created_at)} for c in comments
        ],
        "votes": [{"post_id": v.post_id, "value": v.value, "created_at": _when(v.created_at)} for v in votes],
        "follows": [{"post_id": f.post_id, "since": _when(f.created_at)} for f in follows],
        # What their posts said before they edited them (kept for the moderators).
        "earlier_versions": [
            {
                "post_id": r.post_id,
                "title": r.title,
                "body": r.body,
                "address": r.address,
                "replaced_at": _when(r.created_at),
            }
            for r in versions
        ],
    }


@account_deleting.connect
def _erase_posts_data(user, **_extra) -> None:
    # Posts, comments and votes are the city's public record and stay (shown as by a former
    # resident); what one follows is only about the person.
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
