"""Admins' upkeep of departments, categories and response templates (every change is audited)."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.db import utcnow
from app.core.text import clean_text
from app.departments.models import RESPONSE_ACTIONS, Department, ResponseTemplate
from app.departments.services import TriageError
from app.extensions import db
from app.moderation import audit
from app.posts.models import Category

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class AdminError(TriageError):
    """An admin form broke a rule (slug taken, unknown department…)."""


# Words kept for pages under /departments/ that may come (today's are read from the URL map).
_KEPT_WORDS = frozenset({"new", "edit", "admin", "export", "statistics", "templates", "all"})


def reserved_department_slugs() -> frozenset[str]:
    """Words a department's slug may not be: /departments/<slug> would hide a page of that name."""
    words = set(_KEPT_WORDS)
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if len(parts) > 2 and parts[1] == "departments" and "<" not in parts[2]:
            words.add(parts[2].removesuffix(".csv"))
    return frozenset(words)


def _check_slug(model, slug: str, current_id: int | None) -> str:
    slug = clean_text(slug).lower()
    if not SLUG.match(slug):
        raise AdminError(_("Use lowercase Latin letters, digits and single hyphens."), "slug")
    if model is Department and slug in reserved_department_slugs():
        raise AdminError(_("This short name is the name of a page; choose another."), "slug")
    taken = db.session.scalar(select(model.id).where(func.lower(model.slug) == slug))
    if taken is not None and taken != current_id:
        raise AdminError(_("This short name is already used."), "slug")
    return slug


def save_department(
    actor,
    department: Department | None,
    *,
    slug: str,
    name_fa: str,
    name_en: str,
    contact_email: str | None,
    is_active: bool,
) -> Department:
    """Create or change a department."""
    creating = department is None
    department = department or Department()
    department.slug = _check_slug(Department, slug, department.id)
    department.name_fa, department.name_en = clean_text(name_fa), clean_text(name_en)
    department.contact_email = clean_text(contact_email) or None
    department.is_active = is_active
    db.session.add(department)
    db.session.flush()
    audit.record(
        actor,
        "create_department" if creating else "edit_department",
        department,
        department_id=department.id,
        details={"slug": department.slug, "active": is_active},
    )
    return department


def save_category(
    actor,
    category: Category | None,
    *,
    slug: str,
    name_fa: str,
    name_en: str,
    default_department: Department | None,
    accepts_problems: bool,
    accepts_ideas: bool,
    position: int,
    is_active: bool,
) -> Category:
    """Create or change a category; its default department receives its forwarded posts."""
    if default_department is not None and not default_department.is_active:
        raise AdminError(_("Choose an active department."), "default_department")
    if not (accepts_problems or accepts_ideas):
        raise AdminError(_("A category accepts problems, ideas or both."), "accepts_problems")
    creating = category is None
    category = category or Category()
    category.slug = _check_slug(Category, slug, category.id)
    category.name_fa, category.name_en = clean_text(name_fa), clean_text(name_en)
    category.default_department = default_department
    category.accepts_problems, category.accepts_ideas = accepts_problems, accepts_ideas
    category.position, category.is_active = position, is_active
    db.session.add(category)
    db.session.flush()
    audit.record(
        actor,
        "create_category" if creating else "edit_category",
        category,
        details={"slug": category.slug, "department": default_department.slug if default_department else None},
    )
    return category


def save_response_template(
    actor,
    template: ResponseTemplate | None,
    *,
    department: Department,
    action: str,
    title: str,
    body: str,
    position: int,
    is_active: bool,
) -> ResponseTemplate:
    """Create or change one of the department's response templates."""
    if action not in RESPONSE_ACTIONS:
        raise AdminError(_("Choose one of the listed actions."), "action")
    if template is not None and template.department_id != department.id:
        raise AdminError(_("This template belongs to another department."))
    body = clean_text(body, multiline=True)
    if not body:
        raise AdminError(_("Write the text of the response."), "body")
    creating = template is None
    template = template or ResponseTemplate(department_id=department.id)
    template.action, template.title, template.body = action, clean_text(title), body
    template.position, template.is_active, template.updated_at = position, is_active, utcnow()
    db.session.add(template)
    db.session.flush()
    audit.record(
        actor,
        "create_response_template" if creating else "edit_response_template",
        template,
        department_id=department.id,
        details={"action": action, "title": template.title},
    )
    return template


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.is_active.desc(), Department.id)))


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
