"""The answer to a vote cast with htmx: the vote widget, drawn once for all answers of its kind.

Drawing the widget's macro for each vote was about a tenth of a vote's CPU once its statements were
cheap (Jinja, the request's catalogue on first use, two URLs: docs/decisions/0030, round four). Two
answers of one kind — the same language, kind of post, vote held, whether the post is open, hidden or
the voter's own, and whether the voter may take part — differ only in the post's id, its counts and
the CSRF token. So the answer is drawn once per kind, from a stand-in post whose id, counts and token
are marks, and kept per process; each vote puts its own values in place of the marks. The stand-in
has only the attributes that the key covers: a widget that starts to read another one of the post
fails loudly instead of showing one post's value in another's answer. Tested byte for byte against
the macro (tests/posts/test_vote_answer.py).
"""

from __future__ import annotations

import secrets
import string

from flask import current_app, get_template_attribute
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from app.accounts.permissions import can_participate
from app.core.db import ID_MAX
from app.core.fragments import TOKEN_PLACEHOLDER, placeholder_token
from app.core.l10n import current_language, format_number
from app.posts.models import Post

# Letters only: a count's mark goes through `|num`, which writes digits and separators in Persian.
_MARK = "".join(secrets.choice(string.ascii_lowercase) for _ in range(24))
_ID, _SUPPORT, _UP, _DOWN, _TOKEN = (f"{_MARK}{name}{_MARK}" for name in ("id", "support", "up", "down", "token"))
_SAMPLE_ID = ID_MAX  # the stand-in's id: a number (URLs take only numbers), replaced by its mark once drawn


class _Count:
    """A count as the widget writes it (`|num` formats it): its mark, in either language."""

    def __init__(self, mark: str) -> None:
        self.mark = mark

    def __format__(self, _spec: str) -> str:
        return self.mark


class _StandIn:
    """The voted post as the answer's key sees it."""

    def __init__(self, post: Post, is_own: bool) -> None:
        self.id = _SAMPLE_ID
        self.kind = post.kind
        self.is_open = post.is_open
        self.is_hidden = post.is_hidden
        self.author_id = current_user.id if is_own else None
        self.support, self.up_count, self.down_count = _Count(_SUPPORT), _Count(_UP), _Count(_DOWN)

    def __getattr__(self, name: str):
        # Not AttributeError: Jinja would quietly write nothing.
        raise RuntimeError(f"the vote's answer is not kept by post.{name}: add it to its key (vote_answer.py)")


def vote_answer(post: Post, my_vote: int) -> str:
    """The vote widget of `post` for the current user holding `my_vote`, as the macro draws it."""
    macro = get_template_attribute("_macros.html", "vote_widget")  # (a template drawn again is a new macro)
    is_own = current_user.is_authenticated and post.author_id == current_user.id
    key = (
        macro,
        current_language(),
        post.kind,
        my_vote,
        is_own,
        post.is_open,
        post.is_hidden,
        current_user.is_authenticated,
        can_participate(current_user),
    )
    answers = current_app.extensions.setdefault("shahrvand_vote_answers", {})
    drawn = answers.get(key)
    if drawn is None:
        with placeholder_token():
            html = str(macro(_StandIn(post, is_own), my_vote))
        drawn = answers[key] = html.replace(TOKEN_PLACEHOLDER, _TOKEN).replace(str(_SAMPLE_ID), _ID)
    return (
        drawn.replace(_ID, str(post.id))
        .replace(_SUPPORT, escape(format_number(post.support)))
        .replace(_UP, escape(format_number(post.up_count)))
        .replace(_DOWN, escape(format_number(post.down_count)))
        .replace(_TOKEN, escape(generate_csrf()))
    )
