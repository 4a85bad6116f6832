"""The flags a user raised, in their data download."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.signals import personal_data_requested
from app.extensions import db
from app.moderation.models import Flag


@personal_data_requested.connect
def _flags_data(user, **_extra) -> dict:
    flags = db.session.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.id))
    return {
        "flags": [
            {
                "post_id": f.post_id,
                "comment_id": f.comment_id,
                "reason": f.reason.value,
                "note": f.note,
                "status": f.status.value,
                "created_at": f.created_at.isoformat() + "Z",
            }
            for f in flags
        ]
    }
