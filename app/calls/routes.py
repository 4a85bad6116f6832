"""Pages of calls for ideas: the list, opening one, its page, posting an idea, extending, the outcome."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.accounts.permissions import can_administer
from app.calls import images, permissions, services, subscribers  # noqa: F401  (subscribers: signal receivers)
from app.calls.forms import CallForm, ExtendForm, IdeaForm, OutcomeForm
from app.calls.models import Call
from app.core.cache import vary_every_page
from app.core.dates import parse_date
from app.core.db import utcnow
from app.core.errors import DomainError, show_error
from app.core.fields import western_number
from app.core.hooks import add_template_hook
from app.core.permissions import require
from app.core.rate_limits import setting
from app.core.web import localized
from app.departments.models import Department
from app.extensions import db, limiter
from app.posts import rules, votes
from app.posts.forms import int_or_none
from app.posts.models import Category, PostKind
from app.posts.photos import PhotoError
from app.posts.services import active_categories
from app.search.similar import similar_to_draft

bp = Blueprint("calls", __name__, url_prefix="/calls")


@bp.record_once
def _setup(state) -> None:
    state.app.jinja_env.globals.update(
        call_last_moment=services.last_moment,
        can_open_call=permissions.can_open_call,
        one_second=timedelta(seconds=1),
    )
    add_template_hook(state.app, "post-timeline", _post_call_part, priority=70)
    add_template_hook(state.app, "home-announcements", _announcement_part)
    # Calls open and close by the clock, not by a write: cached pages (the home page's announcement,
    # countdowns) are keyed by the hour as well.
    vary_every_page(state.app, lambda: utcnow().strftime("%Y%m%d%H"))


def _announcement_part() -> str:
    """On the home page (its slot): the calls open now, closing soonest first."""
    calls = services.announced_calls()
    return render_template("calls/_announcement.html", calls=calls, now=utcnow()) if calls else ""


def _post_call_part(post) -> str:
    """On an idea's page (the post page's slot): the call it answers and the outcome's word on it."""
    call_idea = services.call_of(post) if post.kind is PostKind.IDEA else None
    return render_template("calls/_post_call.html", call_idea=call_idea) if call_idea else ""


@bp.get("/")
def index():
    return render_template("calls/index.html", calls=services.calls_by_state(), now=utcnow())


def _department_choices() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).where(Department.is_active.is_(True)).order_by(Department.id))
    return [SelectChoice(d.id, localized(d)) for d in departments]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(permissions.can_open_call(current_user))
    form = CallForm()
    form.categories.choices = [SelectChoice(c.id, localized(c)) for c in active_categories(PostKind.IDEA)]
    form.department.choices = _department_choices()
    is_valid = form.validate_on_submit()
    image = _image_of(form)  # received (and kept for the next try) even when the rest is refused
    if is_valid and not form.image.errors:
        department = (
            db.session.get(Department, form.department.data or 0)
            if can_administer(current_user)
            else db.session.get(Department, current_user.department_id)
        )
        try:
            if department is None or not department.is_active:
                raise services.CallError(_("Choose the department."), field="department")
            call = services.open_call(
                current_user,
                department=department,
                categories=[db.session.get(Category, key or 0) for key in form.categories.data],
                title=form.title.data,
                question=form.question.data,
                description=form.description.data or "",
                opens_on=parse_date(form.opens_on.data),
                closes_on=parse_date(form.closes_on.data),
                area=_area_of(form),
                image=image,
            )
        except DomainError as error:
            show_error(error, form)
        else:
            db.session.commit()
            flash(_("The call is open to residents."), "success")
            return redirect(url_for("calls.show", call_id=call.id))
    db.session.rollback()
    page = {"form": form, "area_limits": _AREA_LIMITS, "kept_image": image}
    return render_template("calls/new.html", **page), 422 if form.errors else 200


def _image_of(form: CallForm) -> images.StoredImage | None:
    """The image the form brings: a new file (cleaned and stored now), else the one kept from before."""
    if request.method != "POST":
        return None
    image = images.from_token(form.image_token.data, current_user)
    if getattr(form.image.data, "filename", ""):
        try:
            image = images.store_image(form.image.data.stream)
        except PhotoError as error:
            form.image.errors = [*form.image.errors, error.message]
    form.image_token.data = image.token(current_user) if image is not None else ""
    return image


_AREA_LIMITS = (services.AREA_RADIUS_MIN_M, services.AREA_RADIUS_MAX_M)


def _area_of(form: CallForm) -> services.Area | None:
    if form.area_radius_m.data is None:  # the form checked that the three come together
        return None
    return services.Area(form.area_latitude.data, form.area_longitude.data, form.area_radius_m.data)


@bp.get("/<int:call_id>")
def show(call_id: int):
    call = db.get_or_404(Call, call_id)
    ideas = services.ranked_ideas(call)
    return render_template(
        "calls/show.html",
        call=call,
        ideas=ideas,
        events=services.events(call),
        now=utcnow(),
        my_votes=votes.user_votes(current_user, [post.id for post, _idea in ideas]),
        may_manage=permissions.can_manage_call(current_user, call),
    )


@bp.get("/<int:call_id>/image/<any(full, thumb):variant>")
def image(call_id: int, variant: str):
    """The call's image, with the headers of a post's public photo: inert, briefly cached."""
    call = db.get_or_404(Call, call_id)
    key = call.image_key if variant == "full" else call.image_thumb_key
    path = images.path_of(key) if key else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=call.image_content_type, conditional=True, etag=key.split(".")[0])
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PHOTO_CACHE_SECONDS"]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.route("/<int:call_id>/ideas/new", methods=["GET", "POST"])
@login_required
def new_idea(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(permissions.can_post_idea(current_user))
    categories = [c for c in call.categories if c.is_active]
    form = IdeaForm(category=categories[0].id if len(categories) == 1 else None)
    form.category.choices = [SelectChoice("", _("Choose a category"))] + [
        SelectChoice(c.id, localized(c)) for c in categories
    ]
    page = {"call": call, "form": form, "now": utcnow()}
    if form.validate_on_submit():
        try:
            post = services.submit_idea(
                call,
                current_user,
                title=form.title.data,
                body=form.body.data,
                category=db.session.get(Category, form.category.data or 0),
                address=form.address.data,
                latitude=form.latitude.data,
                longitude=form.longitude.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
            return render_template("calls/new_idea.html", **page), error.status
        db.session.commit()
        flash(_("Thank you! Your idea is waiting for a moderator and will be public once approved."), "success")
        return redirect(url_for("posts.show", post_id=post.id))
    db.session.rollback()
    status = 422 if form.errors else 409 if not call.is_open(utcnow()) and request.method == "POST" else 200
    return render_template("calls/new_idea.html", **page), status


@bp.route("/<int:call_id>/similar", methods=["GET", "POST"])
@limiter.limit(setting("SIMILAR_RATE_LIMIT"))
def similar(call_id: int):
    """Ideas like the one being written into a call (htmx asks as the resident types): the call's own
    ideas first, then the rest. A suggestion: what cannot be read is left out, never refused."""
    call = db.get_or_404(Call, call_id)
    args = request.form if request.method == "POST" else request.args
    in_call = services.idea_ids(call)
    items = similar_to_draft(
        title=args.get("title", "")[: rules.TITLE_MAX * 2],
        body=args.get("body", "")[: rules.BODY_MAX],
        kind=PostKind.IDEA,
        category_id=int_or_none(args.get("category")),
        latitude=_coordinate(args.get("latitude")),
        longitude=_coordinate(args.get("longitude")),
        first=in_call,
    )
    return render_template("search/_similar_list.html", items=items, in_call=in_call)


def _coordinate(value: str | None) -> float | None:
    try:
        number = float(western_number(value))
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


@bp.route("/<int:call_id>/extend", methods=["GET", "POST"])
@login_required
def extend(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(permissions.can_manage_call(current_user, call))
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            services.change_closing(call, current_user, parse_date(form.closes_on.data))
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
            return render_template("calls/extend.html", call=call, form=form), error.status
        db.session.commit()
        flash(_("The closing date is changed."), "success")
        return redirect(url_for("calls.show", call_id=call.id))
    db.session.rollback()
    return render_template("calls/extend.html", call=call, form=form), 422 if form.errors else 200


@bp.route("/<int:call_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(permissions.can_manage_call(current_user, call))
    form = OutcomeForm()
    ideas = services.ranked_ideas(call)
    entries = form.for_ideas([post.id for post, _idea in ideas])
    ideas = [(post, entry.form) for (post, _idea), entry in zip(ideas, entries, strict=True)]
    if form.validate_on_submit():
        decisions = [
            services.Decision(post.id, decision.decision.data == "taken", decision.note.data or "")
            for post, decision in ideas
        ]
        try:
            services.publish_outcome(call, current_user, form.outcome.data, decisions)
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
            return render_template("calls/outcome.html", call=call, form=form, ideas=ideas), error.status
        db.session.commit()
        flash(_("The outcome is published and the participants are told."), "success")
        return redirect(url_for("calls.show", call_id=call.id))
    db.session.rollback()
    return render_template("calls/outcome.html", call=call, form=form, ideas=ideas), 422 if form.errors else 200
