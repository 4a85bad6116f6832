"""Moderation's parts of pages that belong to other packages (template hooks): each loads what it
shows and renders its own template, so the post page needs neither moderation's templates nor its
queries."""

from __future__ import annotations

from flask import Flask, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import can_moderate
from app.core.hooks import add_template_hook
from app.core.personal import add_choice, is_sharing, personal
from app.moderation import duplicates, flags, revisions, services, workflow
from app.moderation.forms import (
    DecideFlagsForm,
    DuplicateForm,
    FlagForm,
    RejectForm,
    TransitionForm,
    department_choices,
    reason_choices,
)
from app.moderation.permissions import can_edit_post_as_moderator, can_flag, can_view_versions
from app.posts.choices import active_departments
from app.posts.models import Comment, Post


def _post_notices(post: Post) -> str:
    return render_template(
        "moderation/_post_notices.html",
        post=post,
        original=services.original_title(post),
        decision=flags.hidden_reason(post),
        repeats=services.duplicates_of(post),
    )


def _timeline(post: Post) -> str:
    """Status changes and, once the author edited the published post, its edits, oldest first."""
    changes = workflow.timeline(post)
    edits = revisions.revisions_of(post) if was_edited(post) else []
    entries = sorted(
        [("change", change) for change in changes] + [("edit", edit) for edit in edits],
        key=lambda entry: (entry[1].created_at, entry[0] == "edit"),
    )
    may_compare = bool(edits) and current_user.is_authenticated and can_view_versions(current_user, post)
    return render_template("moderation/_timeline.html", entries=entries, may_compare=may_compare, post=post)


def was_edited(post: Post) -> bool:
    """Whether the text changed since approval (then its versions are worth a query)."""
    return post.published_at is not None and post.updated_at > post.published_at


def _flag_post(post: Post) -> str:
    """ "Flag this post", or "you flagged it": the reader's own state, a hole of shared pages."""
    if not current_user.is_authenticated:
        return ""
    may_flag = can_flag(current_user, post)
    form = FlagForm(formdata=None)  # the note's limit comes from its validator

    def render(has_flagged: bool) -> str:
        return render_template(
            "moderation/_flag_post.html", post=post, has_flagged=has_flagged, may_flag=may_flag, form=form
        )

    mine = False if is_sharing() else flags.has_flagged(current_user, post)
    return personal("flag", (post.id,), mine, (False, True), caller=render)


def _flag_states(holes: list[tuple]) -> list[bool]:
    flagged = flags.flagged_among(current_user, [post_id for (post_id,) in holes])
    return [post_id in flagged for (post_id,) in holes]


def _flag_comment(comment: Comment, post: Post) -> str:
    if not current_user.is_authenticated:
        return ""
    # Moderators hide it from here, with a reason and a note the author reads.
    hide_form = (
        DecideFlagsForm(formdata=None, decision="uphold", next=url_for("posts.show", post_id=post.id))
        if can_moderate(current_user)
        else None
    )
    return render_template("moderation/_flag_comment.html", comment=comment, post=post, hide_form=hide_form)


def moderator_moves(user, post: Post) -> list[workflow.Transition]:
    """The moves a moderator makes from the post page (departments show their own responses)."""
    if not user.is_authenticated:
        return []
    return [
        move
        for move in workflow.available_transitions(user, post)
        if not move.official and (move.action != "hand_back" or can_moderate(user))
    ]


def _actions(post: Post) -> str:
    if not current_user.is_authenticated:
        return ""
    moves = moderator_moves(current_user, post)
    actions = {move.action for move in moves}
    return render_template(
        "moderation/_actions.html",
        post=post,
        moves=moves,
        forms=_action_forms(post, moves),
        moved_supporters=duplicates.moved_supporter_count(post) if "not_duplicate" in actions else 0,
        tools=can_edit_post_as_moderator(current_user, post),
    )


def _action_forms(post: Post, moves: list[workflow.Transition]) -> dict:
    """A form for each move, filled for this post (the reasons and departments only when a move needs them)."""
    back = url_for("posts.show", post_id=post.id)
    forms: dict = {}
    for move in moves:
        if move.action == "reject":
            form = RejectForm(formdata=None, next=back)
            form.template.choices = reason_choices(services.active_reason_templates())
        elif move.action == "mark_duplicate":
            form = DuplicateForm(formdata=None, next=back)
        else:
            form = TransitionForm(formdata=None, action=move.action, next=back)
            if move.needs_note:
                form.note.label.text = f"{_('Public note')} ({_('required')})"
            if move.action == "forward":
                form.department.choices = department_choices(active_departments())
                form.department.data = post.category.default_department_id
        forms[move.action] = form
    return forms


def register_hooks(app: Flask) -> None:
    add_template_hook(app, "post-notices", _post_notices)
    add_template_hook(app, "post-timeline", _timeline)
    add_template_hook(app, "post-vote-card", _flag_post)
    add_choice(app, "flag", _flag_states)
    add_template_hook(app, "comment-tools", _flag_comment)
    add_template_hook(app, "post-aside", _actions, priority=10)
