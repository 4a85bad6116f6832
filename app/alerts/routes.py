""" "Things I follow": posts, categories, departments and areas, each with one-click unfollow."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.accounts.permissions import can_participate, is_signed_in
from app.alerts import services, subscribers  # noqa: F401  (subscribers: signal receivers)
from app.alerts.forms import AreaFollowForm, CategoryFollowForm, DepartmentFollowForm, EmptyForm
from app.alerts.models import TopicFollow
from app.alerts.neighbourhoods import neighbourhood, neighbourhoods
from app.core.errors import DomainError, show_error
from app.core.pagination import requested_page
from app.core.permissions import require
from app.core.web import localized
from app.departments.models import Department
from app.extensions import db
from app.posts.models import Category
from app.posts.services import active_categories

bp = Blueprint("alerts", __name__, url_prefix="/following")


def _forms() -> dict:
    category, department = CategoryFollowForm(prefix="c"), DepartmentFollowForm(prefix="d")
    category.category.choices = [SelectChoice("", _("Choose a category"))] + [
        SelectChoice(c.id, localized(c)) for c in active_categories()
    ]
    departments = db.session.scalars(select(Department).where(Department.is_active.is_(True)).order_by(Department.id))
    department.department.choices = [SelectChoice("", _("Choose a department"))] + [
        SelectChoice(d.id, localized(d)) for d in departments
    ]
    area = AreaFollowForm(prefix="a")
    area.place.choices = [SelectChoice("", _("None: draw or type the circle"))] + [
        SelectChoice(n.key, localized(n)) for n in neighbourhoods()
    ]
    return {"category_form": category, "department_form": department, "area_form": area}


FOLLOWED_POSTS_SHOWN = 5  # on "Things I follow"; the rest on their own page


def _page(status: int = 200, **forms):
    context = _forms() | forms
    return render_template(
        "alerts/index.html",
        topics=services.follows_of(current_user),
        posts=services.followed_posts(current_user, 1, FOLLOWED_POSTS_SHOWN),
        button=EmptyForm(),
        radius_min=services.RADIUS_MIN_M,
        radius_max=services.RADIUS_MAX_M,
        place_named=neighbourhood,
        places={n.key: [n.latitude, n.longitude, n.radius_m] for n in neighbourhoods()},
        **context,
    ), status


@bp.get("/")
@login_required
def index():
    require(is_signed_in(current_user))
    return _page()


def _added(make_follow, form, name: str):
    require(can_participate(current_user))
    if form.validate_on_submit():
        try:
            make_follow()
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
            return _page(error.status, **{name: form})
        db.session.commit()
        flash(_("Followed: new posts there will reach your bell and your e-mail as your settings say."), "success")
        return redirect(url_for("alerts.index"))
    db.session.rollback()
    return _page(422, **{name: form})


@bp.post("/category")
@login_required
def follow_category():
    form = _forms()["category_form"]
    return _added(
        lambda: services.follow_category(current_user, db.session.get(Category, form.category.data or 0)),
        form,
        "category_form",
    )


@bp.post("/department")
@login_required
def follow_department():
    form = _forms()["department_form"]
    return _added(
        lambda: services.follow_department(current_user, db.session.get(Department, form.department.data or 0)),
        form,
        "department_form",
    )


@bp.post("/area")
@login_required
def follow_area():
    form = _forms()["area_form"]
    if form.place.data:  # a neighbourhood chosen (the script also drew it into the fields)
        return _added(lambda: services.follow_neighbourhood(current_user, form.place.data), form, "area_form")
    return _added(
        lambda: services.follow_area(current_user, form.latitude.data, form.longitude.data, form.radius_m.data),
        form,
        "area_form",
    )


@bp.get("/posts")
@login_required
def followed_posts():
    page = services.followed_posts(current_user, requested_page(), current_app.config["POSTS_PER_PAGE"])
    return render_template("alerts/posts.html", page=page, button=EmptyForm())


@bp.post("/posts/<int:post_id>/unfollow")
@login_required
def unfollow_post(post_id: int):
    require(EmptyForm().validate_on_submit())
    try:
        services.unfollow_post(current_user, post_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("alerts.followed_posts"))
    db.session.commit()
    flash(_("You no longer follow this post."), "success")
    return redirect(url_for("alerts.followed_posts"))


@bp.post("/<int:follow_id>/unfollow")
@login_required
def unfollow(follow_id: int):
    follow = db.get_or_404(TopicFollow, follow_id)
    require(follow.user_id == current_user.id, hide=True)
    require(EmptyForm().validate_on_submit())
    services.unfollow(follow)
    db.session.commit()
    flash(_("Unfollowed."), "success")
    return redirect(url_for("alerts.index"))
