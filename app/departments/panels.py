"""The departments' parts of the post page (template hooks): the official responses and the staff
panel, each loading what it shows."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.accounts.permissions import can_moderate
from app.core.hooks import add_template_hook
from app.departments import permissions, services
from app.departments.forms import AssignForm, InternalNoteForm, RespondForm
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
        forms={move.action: _respond_form(move, templates.get(move.action, [])) for move in moves},
    )


def _respond_form(move: workflow.Transition, templates: list) -> RespondForm:
    """A response's form: its templates (picking one fills the box, static/js/responses.js) and its note."""
    form = RespondForm(formdata=None, action=move.action)
    form.template.choices = [SelectChoice("", _("No template: my own words"))] + [
        SelectChoice(template.id, template.title, render_kw={"data-body": template.body}) for template in templates
    ]
    label = _("Public response") if move.official else _("Reason (public)")
    if move.needs_note:
        label = f"{label} ({_('required, or choose a template') if templates else _('required')})"
    form.note.label.text = label
    return form


def _staff_panel(post: Post) -> str:
    if not (current_user.is_authenticated and post.department_id):
        return ""
    if not permissions.can_read_internal_notes(current_user, post):
        return ""
    may_assign = permissions.can_assign(current_user, post)
    assignment = services.assignments([post.id]).get(post.id)
    return render_template(
        "departments/_staff_panel.html",
        post=post,
        assignment=assignment,
        assign_form=_assign_form(post, assignment) if may_assign else None,
        notes=services.internal_notes(post),
        may_write_note=permissions.can_write_internal_note(current_user, post),
        note_form=InternalNoteForm(formdata=None),  # the note's limit comes from its validator
    )


def _assign_form(post: Post, assignment) -> AssignForm:
    """ "Assign to": nobody or a member of the post's department, the one assigned now chosen."""
    form = AssignForm(formdata=None, assignee=assignment.assignee_id if assignment else None)
    me = _("me")
    form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(member.id, member.display_name + (f" ({me})" if member.id == current_user.id else ""))
        for member in services.staff_members(post.department_id)
    ]
    return form


def register_hooks(app: Flask) -> None:
    add_template_hook(app, "post-aside", _responses, priority=15)
    add_template_hook(app, "post-aside", _staff_panel, priority=20)
