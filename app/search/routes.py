"""The search page, and the similar posts shown while a post is being written."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import inspect, select

from app.core.cache import cached_for_visitors
from app.core.fields import western_number
from app.core.rate_limits import setting
from app.core.web import localized
from app.extensions import db, limiter
from app.posts import rules
from app.posts.forms import int_or_none
from app.posts.labels import kind_label, status_label
from app.posts.models import Category, Post, PostKind
from app.search import queries
from app.search.forms import SearchForm
from app.search.permissions import searchable_statuses
from app.search.similar import similar_to_draft

bp = Blueprint("search", __name__)


@bp.get("/search")
@limiter.limit(setting("SEARCH_RATE_LIMIT"))  # each search costs the index a query; cached pages are counted too
@cached_for_visitors  # the index's version is in the key of whole-site pages (app.search.init_app)
def search():
    form = SearchForm(formdata=request.args)
    form.fill_choices(**_choices())
    # Links carry the search's own parameters only: url_for reads names like `endpoint` or
    # `_external` as its own options.
    link_args = {key: request.args[key] for key in queries.SEARCH_ARGS if request.args.get(key)}
    if not form.validate():
        return render_template("search/search.html", form=form, results=None, link_args=link_args), 400
    search_request = form.to_request(current_app.config["POSTS_PER_PAGE"])
    results = queries.search_posts(search_request, current_user) if search_request.has_criteria else None
    return render_template("search/search.html", form=form, results=results, link_args=link_args)


def _choices() -> dict:
    department = inspect(Post).relationships["department"].mapper.class_  # search does not import departments
    return {
        "categories": db.session.scalars(select(Category).order_by(Category.position, Category.id)).all(),
        "departments": db.session.scalars(select(department).order_by(department.id)).all(),
        "statuses": searchable_statuses(current_user),
        "status_label": status_label,
        "kind_label": kind_label,
        "localized": localized,
    }


@bp.route("/search/similar", methods=["GET", "POST"])
@limiter.limit(setting("SIMILAR_RATE_LIMIT"))  # each ask costs a few milliseconds of CPU, and anyone may ask
def similar():
    """Up to five public posts like the draft in the post form (htmx asks as the resident types).

    A suggestion, not a check: what cannot be read (a half-typed coordinate) is left out, never refused;
    the form reports it when sent. The post form sends POST (a long description does not fit in a URL;
    its CSRF token comes along); GET serves links and scripts.
    """
    args = request.form if request.method == "POST" else request.args
    items = similar_to_draft(
        title=args.get("title", "")[: rules.TITLE_MAX * 2],
        body=args.get("body", "")[: rules.BODY_MAX],
        kind=PostKind(args["kind"]) if args.get("kind") in set(PostKind) else PostKind.PROBLEM,
        category_id=int_or_none(args.get("category")),
        latitude=_coordinate(args.get("latitude")),
        longitude=_coordinate(args.get("longitude")),
        exclude_post_id=int_or_none(args.get("exclude")),
    )
    return render_template("search/_similar_list.html", items=items)


def _coordinate(value: str | None) -> float | None:
    try:
        number = float(western_number(value))
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None
