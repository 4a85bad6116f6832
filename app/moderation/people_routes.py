"""Moderating people: the users list, blocking and unblocking, and roles (admins)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import Role, User
from app.core.errors import DomainError, show_error
from app.core.pagination import paginate, requested_page
from app.core.permissions import require
from app.core.text import isolate
from app.extensions import db
from app.moderation import users
from app.moderation.forms import BlockForm, RoleForm, UnblockForm, UserFilterForm
from app.moderation.labels import role_label
from app.moderation.permissions import can_block, can_change_role, can_search_by_email, can_view_users
from app.moderation.routes import bp
from app.moderation.services import AuthorRecord, author_records
from app.posts.choices import department_choices, find_department


def _role_form(user: User, formdata=None) -> RoleForm:
    form = RoleForm(formdata=formdata, role=user.role.value, department=user.department_id)
    form.department.choices = department_choices(_("No department"))
    return form


@bp.get("/users")
@login_required
def users_list():
    require(can_view_users(current_user))
    form = UserFilterForm(request.args)
    by_email = can_search_by_email(current_user)
    if by_email:
        form.q.label.text = _("Name or e-mail")
    form.role.choices = [("", _("All roles"))] + [(role.value, role_label(role)) for role in Role]
    form.validate()
    query = users.users_query(
        text=None if form.q.errors else form.q.data,
        role=Role(form.role.data) if form.role.data in tuple(Role) else None,
        blocked={"yes": True, "no": False}.get(form.blocked.data or ""),
        by_email=by_email,
    )
    page = paginate(query, requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template("moderation/users.html", form=form, page=page, tab="users"), 400 if form.errors else 200


def _render_user(user: User, *, block_form=None, unblock_form=None, role_form=None, code: int = 200):
    return render_template(
        "moderation/user.html",
        user=user,
        block_form=block_form or BlockForm(formdata=None),
        unblock_form=unblock_form or UnblockForm(formdata=None),
        role_form=role_form or _role_form(user),
        record=author_records([user.id]).get(user.id) or AuthorRecord(),
        tab="users",
    ), code


@bp.get("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    require(can_view_users(current_user))
    return _render_user(user)


@bp.post("/users/<int:user_id>/block")
@login_required
def block(user_id: int):
    user = db.get_or_404(User, user_id)
    require(can_block(current_user, user))
    form = BlockForm()
    if form.validate_on_submit():
        try:
            users.block(current_user, user, form.reason.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("%(name)s is blocked. They can still read.", name=isolate(user.display_name)), "success")
            return redirect(url_for("moderation.user_detail", user_id=user.id))
    db.session.rollback()
    return _render_user(user, block_form=form, code=422)


@bp.post("/users/<int:user_id>/unblock")
@login_required
def unblock(user_id: int):
    user = db.get_or_404(User, user_id)
    require(can_block(current_user, user))
    form = UnblockForm()
    if form.validate_on_submit():
        try:
            users.unblock(current_user, user, form.note.data)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("%(name)s may take part again.", name=isolate(user.display_name)), "success")
            return redirect(url_for("moderation.user_detail", user_id=user.id))
    db.session.rollback()
    return _render_user(user, unblock_form=form, code=422)


@bp.post("/users/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    require(can_change_role(current_user, user))
    form = _role_form(user, formdata=request.form)
    if form.validate_on_submit():
        department = find_department(form.department.data)
        try:
            users.change_role(current_user, user, Role(form.role.data), department)
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The role of %(name)s is changed.", name=isolate(user.display_name)), "success")
            return redirect(url_for("moderation.user_detail", user_id=user.id))
    db.session.rollback()
    return _render_user(user, role_form=form, code=422)
