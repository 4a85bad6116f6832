"""A closed call takes no more votes on its ideas (posts asks before every vote)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.calls.services import is_in_closed_call
from app.core.db import utcnow
from app.posts.signals import vote_checking
from app.posts.votes import VoteError


@vote_checking.connect
def _refuse_votes_after_closing(post, **_extra) -> None:
    if is_in_closed_call(post, utcnow()):
        raise VoteError(_("This call for ideas has closed: its ideas take no more votes."))
