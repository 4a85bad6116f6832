"""Admins' pages for departments and categories; staff and admins edit response templates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.errors import DomainError, show_error
from app.core.permissions import require
from app.departments import admin, permissions, services
from app.departments.forms import CategoryForm, DepartmentForm, ResponseTemplateForm
from app.departments.models import Department, ResponseTemplate
from app.departments.routes import _department, bp
from app.extensions import db
from app.posts.choices import department_choices
from app.posts.models import Category

CATEGORY_FIELDS = ("slug", "name_fa", "name_en", "accepts_problems", "accepts_ideas", "position", "is_active")


def _values(form, *names: str) -> dict:
    """The named fields' data, as keyword arguments for a service."""
    return {name: getattr(form, name).data for name in names}


@bp.get("/admin/departments")
@login_required
def admin_departments():
    require(permissions.can_administer_departments(current_user))
    return render_template(
        "departments/admin_list.html", departments=admin.all_departments(), categories=admin.all_categories()
    )


@bp.route("/admin/departments/new", methods=["GET", "POST"], defaults={"department_id": None})
@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@login_required
def edit_department(department_id: int | None):
    department = db.get_or_404(Department, department_id) if department_id is not None else None
    require(permissions.can_administer_departments(current_user))
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        try:
            admin.save_department(
                current_user,
                department,
                **_values(form, "slug", "name_fa", "name_en", "contact_email", "is_active"),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The department is saved."), "success")
            return redirect(url_for("departments.admin_departments"))
    return render_template("departments/admin_department.html", form=form, department=department), (
        422 if form.errors else 200
    )


@bp.route("/admin/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def edit_category(category_id: int | None):
    category = db.get_or_404(Category, category_id) if category_id is not None else None
    require(permissions.can_administer_departments(current_user))
    form = CategoryForm(obj=category, default_department=category.default_department_id if category else None)
    form.default_department.choices = department_choices(_("None: moderators choose"))
    if form.validate_on_submit():
        department = db.session.get(Department, form.default_department.data) if form.default_department.data else None
        try:
            if request.form.get("default_department") and department is None:
                raise admin.AdminError(_("Choose an active department."), "default_department")
            admin.save_category(
                current_user,
                category,
                default_department=department,
                **_values(form, *CATEGORY_FIELDS),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("departments.admin_departments"))
    return render_template("departments/admin_category.html", form=form, category=category), (
        422 if form.errors else 200
    )


@bp.get("/departments/<slug>/templates")
@login_required
def response_templates(slug: str):
    department = _department(slug)
    require(permissions.can_manage_response_templates(current_user, department))
    return render_template(
        "departments/templates.html",
        department=department,
        templates=services.response_templates(department.id, active_only=False),
    )


@bp.route("/departments/<slug>/templates/new", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/departments/<slug>/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
def edit_response_template(slug: str, template_id: int | None):
    department = _department(slug)
    template = db.get_or_404(ResponseTemplate, template_id) if template_id is not None else None
    require(permissions.can_manage_response_templates(current_user, department))
    require(template is None or template.department_id == department.id, hide=True)
    form = ResponseTemplateForm(obj=template)
    if form.validate_on_submit():
        try:
            admin.save_response_template(
                current_user,
                template,
                department=department,
                **_values(form, "action", "title", "body", "position", "is_active"),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The response template is saved."), "success")
            return redirect(url_for("departments.response_templates", slug=department.slug))
    return render_template("departments/template.html", form=form, department=department, template=template), (
        422 if form.errors else 200
    )
