"""The departments' parts of the post page (template hooks): the official responses and the staff
panel, each loading what it shows."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import current_user

from app.accounts.permissions import can_moderate
from app.core.hooks import add_template_hook
from app.departments import permissions, services
from app.departments.forms import InternalNoteForm
from app.moderation import workflow
from app.posts.models import Post


def _responses(post: Post) -> str:
    if not current_user.is_authenticated:
        return ""
    moves = [
        move
        for move in workflow.available_transitions(current_user, post)
        if move.official or (move.action == "hand_back" and not can_moderate(current_user))
    ]
    if not moves:
        return ""
    templates: dict[str, list] = {}
    for template in services.response_templates(post.department_id):
        templates.setdefault(template.action, []).append(template)
    responses = services.usual_order(post, [move for move in moves if move.official], workflow.timeline(post))
    hand_back = next((move for move in moves if move.action == "hand_back"), None)
    return render_template(
        "departments/_responses.html",
        post=post,
        moves=responses,
        hand_back=hand_back,
        templates_by_action=templates,
    )


def _staff_panel(post: Post) -> str:
    if not (current_user.is_authenticated and post.department_id):
        return ""
    if not permissions.can_read_internal_notes(current_user, post):
        return ""
    may_assign = permissions.can_assign(current_user, post)
    return render_template(
        "departments/_staff_panel.html",
        post=post,
        assignment=services.assignments([post.id]).get(post.id),
        members=services.staff_members(post.department_id) if may_assign else [],
        may_assign=may_assign,
        notes=services.internal_notes(post),
        may_write_note=permissions.can_write_internal_note(current_user, post),
        note_form=InternalNoteForm(formdata=None),  # the note's limit comes from its validator
    )


def register_hooks(app: Flask) -> None:
    add_template_hook(app, "post-aside", _responses, priority=15)
    add_template_hook(app, "post-aside", _staff_panel, priority=20)
