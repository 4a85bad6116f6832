"""The city map: a page with the list's filters, and the pins it draws as JSON."""

from __future__ import annotations

import json

from flask import current_app, render_template, url_for

from app.core.cache import LISTS_SCOPE, cached_for_visitors
from app.posts import labels, places, services
from app.posts.routes import bp, filter_form, list_filters

MAP_LIST_SIZE = 30  # located posts listed under the map, for people who do not use the map


@bp.get("/map")
@cached_for_visitors(scope=LISTS_SCOPE)
def city_map():
    filters = list_filters()
    return render_template(
        "posts/map.html",
        filter_form=filter_form(filters, services.active_categories()),
        posts=places.located_posts(filters, MAP_LIST_SIZE),
    )


@bp.get("/map/pins.json")
@cached_for_visitors(scope=LISTS_SCOPE)
def map_pins():
    """The pins of the posts matching the filters: one query, capped at MAP_MAX_POINTS."""
    pins, truncated = places.map_pins(list_filters(), current_app.config["MAP_MAX_POINTS"])
    payload = dict(  # noqa: C408 -- keyword form reads like the JSON it becomes
        pins=[
            {
                "id": pin.id,
                "lat": pin.latitude,
                "lng": pin.longitude,
                "title": pin.title,
                "kind": pin.kind.value,
                "status": pin.status.value,
                "support": pin.support,
                "url": url_for("posts.show", post_id=pin.id),
            }
            for pin in pins
        ],
        truncated=truncated,
        labels={
            "kind": {kind.value: labels.kind_label(kind) for kind in labels.KIND_LABELS},
            "status": {status.value: labels.status_label(status) for status in labels.STATUS_LABELS},
        },
    )
    # Titles as UTF-8, not \uXXXX escapes: Persian pins weigh 40% less.
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, mimetype="application/json")
