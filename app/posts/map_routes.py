"""The city map: a page with the list's filters, and the pins it draws as JSON."""

from __future__ import annotations

import json

from flask import current_app, render_template, request, url_for

from app.core.cache import LISTS_SCOPE, cached_for_visitors
from app.posts import labels, map_view, places, services
from app.posts.forms import int_or_none
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
        pin_zoom=map_view.PIN_ZOOM,
    )


def _pin(pin: places.Pin) -> dict:
    return {
        "id": pin.id,
        "lat": pin.latitude,
        "lng": pin.longitude,
        "title": pin.title,
        "kind": pin.kind.value,
        "status": pin.status.value,
        "support": pin.support,
        "url": url_for("posts.show", post_id=pin.id),
    }


def _json(payload: dict, status: int = 200):
    # Titles as UTF-8, not \uXXXX escapes: Persian pins weigh 40% less.
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, status=status, mimetype="application/json")


@bp.get("/map/pins.json")
@cached_for_visitors(scope=LISTS_SCOPE, signed_in_too=True)  # the same public markers for everyone
def map_pins():
    """The markers of one view of the map (`bbox`, `zoom`) for the posts matching the filters:
    clusters with their counts, and pins where a post is alone in its cell or the view is a street's."""
    try:
        view = map_view.parse_view(request.args.get("bbox"), request.args.get("zoom"), current_app.config["MAP_ZOOM"])
    except map_view.MapViewError as error:
        return _json({"error": error.message, "field": error.field}, error.status)
    markers = map_view.map_markers(list_filters(), view, current_app.config["MAP_MAX_POINTS"])
    focus = int_or_none(request.args.get("focus"))
    payload = dict(  # noqa: C408 -- keyword form reads like the JSON it becomes
        zoom=view.zoom,
        total=markers.total,
        pins=[_pin(pin) for pin in markers.pins],
        clusters=[
            {
                "lat": round(cluster.latitude, 6),
                "lng": round(cluster.longitude, 6),
                "count": cluster.count,
                "bounds": [[cluster.bounds.south, cluster.bounds.west], [cluster.bounds.north, cluster.bounds.east]],
            }
            for cluster in markers.clusters
        ],
        truncated=markers.truncated,
        labels={
            "kind": {kind.value: labels.kind_label(kind) for kind in labels.KIND_LABELS},
            "status": {status.value: labels.status_label(status) for status in labels.STATUS_LABELS},
        },
    )
    if focus is not None:  # "see it on the city map": where that post is, if the map may show it
        pin = places.public_pin(focus)
        payload["focus"] = _pin(pin) if pin is not None else None
    return _json(payload)
