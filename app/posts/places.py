"""Where problems are: the city's bounds and the pins of the city map."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.posts import queries
from app.posts.models import Post, PostKind, PostStatus

COORDINATE_PLACES = 6  # about 10 cm: more would only pretend to be precise


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


def city_bounds() -> Bounds:
    """The city's bounding box from the settings (south, west, north, east)."""
    return Bounds(*(float(edge) for edge in current_app.config["MAP_CITY_BOUNDS"]))


def is_in_city(latitude: float, longitude: float) -> bool:
    return math.isfinite(latitude) and math.isfinite(longitude) and city_bounds().contains(latitude, longitude)


def rounded(value: float) -> float:
    return round(value, COORDINATE_PLACES)


def map_settings() -> dict:
    """What the map script needs (for a data-map-config attribute): tiles, bounds, words."""
    config = current_app.config
    bounds = city_bounds()
    return {
        "tiles": config["MAP_TILE_URL"],
        "attribution": config["MAP_TILE_ATTRIBUTION"],
        "bounds": [[bounds.south, bounds.west], [bounds.north, bounds.east]],
        "center": list(config["MAP_CENTER"]),
        "zoom": config["MAP_ZOOM"],
        "text": {
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "marker": _("The marked spot"),
            "tilesFailed": _("The map images could not be loaded; the pins still show where things are."),
            "picked": _("Spot marked. You can drag the pin, click elsewhere, or type the coordinates."),
            "cleared": _("The mark is removed."),
            "locating": _("Finding your location…"),
            "located": _("Your current location is marked."),
            "outside": _("This spot is outside Mashhad. Choose a place within the city."),
            "noLocation": _("Your browser did not share a location. Mark the spot on the map or type the address."),
            "loading": _("Loading the pins…"),
            "inView": _("Posts in view: %(count)s."),
            "cluster": _("%(count)s posts here. Zoom in to see them."),
            "truncated": _("Only the newest pins in view are shown; narrow the filters to see the rest."),
            "loadFailed": _("The pins could not be loaded. Use the list below instead."),
            "support": _("Supporters: %(count)s"),
            "circleDrawn": _("Centre marked. Change the radius below, or click elsewhere to move the circle."),
            "circleCleared": _("The area is removed."),
        },
    }


@dataclass(frozen=True)
class Pin:
    id: int
    latitude: float
    longitude: float
    title: str
    kind: PostKind
    status: PostStatus
    support: int


def public_pin(post_id: int) -> Pin | None:
    """One public post's pin, or None when it has no place or is not public."""
    row = db.session.execute(
        queries.public_posts_query(queries.PostFilter(), queries.Sort.NEWEST)
        .with_only_columns(
            Post.id,
            Post.latitude,
            Post.longitude,
            Post.title,
            Post.kind,
            Post.status,
            Post.support,
            maintain_column_froms=True,
        )
        .where(Post.id == post_id, Post.latitude.is_not(None), Post.longitude.is_not(None))
        .order_by(None)
    ).first()
    return Pin(*row) if row is not None else None


def located_posts(filters: queries.PostFilter, limit: int) -> list[Post]:
    """The newest located posts matching the filters: the map's list for people who do not use the map."""
    query = queries.public_posts_query(filters, queries.Sort.NEWEST).where(
        Post.latitude.is_not(None), Post.longitude.is_not(None)
    )
    return list(db.session.scalars(query.limit(limit)).unique())
