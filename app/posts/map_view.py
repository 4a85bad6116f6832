"""What the city map shows of one view: clusters counted by the database on a grid of the view's
zoom, and the posts themselves where a cell holds one or the view is a street's.

The grid is fixed to the earth (cells counted from 90°S, 180°W), not to the view: panning never
moves a cluster, and the box asked for is widened to whole cells so that a cell on the edge of the
view counts all its posts. Every matching post in the view is counted; nothing is cut."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func

from app.core.db import cell_index
from app.core.errors import DomainError
from app.core.text import ascii_digits
from app.extensions import db
from app.posts import queries
from app.posts.models import Post
from app.posts.places import Bounds, Pin, city_bounds

PIN_ZOOM = 17  # from this zoom on (a few streets in view) every post is its own pin, up to a response's limit
LAST_ZOOM = 19  # the map's closest zoom (static/js/map.js)
CELLS_PER_TILE = 4  # a cell is a quarter of a map tile: 64 px wide at the view's zoom
MIN_ZOOM, MAX_ZOOM = 0, 22


class MapViewError(DomainError):
    status = 400


@dataclass(frozen=True)
class MapView:
    bounds: Bounds
    zoom: int


@dataclass(frozen=True)
class Cluster:
    latitude: float  # the centre of its posts
    longitude: float
    count: int
    bounds: Bounds  # the smallest box holding its posts: zooming to it shows them apart


@dataclass(frozen=True)
class Markers:
    pins: list[Pin]
    clusters: list[Cluster]
    truncated: bool  # street level only: more pins matched than a response carries

    @property
    def total(self) -> int:
        return len(self.pins) + sum(cluster.count for cluster in self.clusters)


def parse_view(bbox: str | None, zoom: str | None, default_zoom: int) -> MapView:
    """The view asked for: `bbox` "west,south,east,north" in degrees and a whole `zoom`; either may
    be left out (the city and the map's first zoom). Anything else is a MapViewError."""
    if zoom is None or not zoom.strip():
        level = default_zoom
    else:
        text = ascii_digits(zoom.strip())
        if not (text.isascii() and text.isdigit() and MIN_ZOOM <= int(text) <= MAX_ZOOM):
            raise MapViewError(_("The zoom must be a whole number from 0 to 22."), "zoom")
        level = int(text)
    if bbox is None or not bbox.strip():
        return MapView(city_bounds(), level)
    try:
        west, south, east, north = (float(ascii_digits(part.strip())) for part in bbox.split(","))
    except ValueError:
        raise MapViewError(_("The map's box must be four numbers: west, south, east, north."), "bbox") from None
    corners = (west, south, east, north)
    if not all(math.isfinite(value) for value in corners) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise MapViewError(_("The map's box must be four numbers: west, south, east, north."), "bbox")
    return MapView(Bounds(south, west, north, east), level)


def _cell_sizes(zoom: int) -> tuple[float, float]:
    """(latitude, longitude) degrees of a cell: square on the screen at the city's latitude."""
    city = city_bounds()
    width = 360 / 2**zoom / CELLS_PER_TILE
    return width * math.cos(math.radians((city.south + city.north) / 2)), width


def _widened(view: MapView, lat_size: float, lon_size: float) -> Bounds | None:
    """The view's box within the city, widened to whole cells; None when it misses the city."""
    city, box = city_bounds(), view.bounds
    south, north = max(box.south, city.south), min(box.north, city.north)
    west, east = max(box.west, city.west), min(box.east, city.east)
    if south > north or west > east:
        return None
    return Bounds(
        math.floor((south + 90) / lat_size) * lat_size - 90,
        math.floor((west + 180) / lon_size) * lon_size - 180,
        (math.floor((north + 90) / lat_size) + 1) * lat_size - 90,
        (math.floor((east + 180) / lon_size) + 1) * lon_size - 180,
    )


def _located(filters: queries.PostFilter, box: Bounds):
    return (
        queries.public_posts_query(filters, queries.Sort.NEWEST)
        .where(Post.latitude.between(box.south, box.north), Post.longitude.between(box.west, box.east))
        .order_by(None)
    )


_PIN_COLUMNS = (Post.id, Post.latitude, Post.longitude, Post.title, Post.kind, Post.status, Post.support)


def map_markers(filters: queries.PostFilter, view: MapView, limit: int) -> Markers:
    """The markers of one view of the city map, for the posts matching the list's filters.

    Below PIN_ZOOM: one GROUP BY over the grid cells in view (count, centre, extent), then the
    details of the posts alone in their cell in one more query. From PIN_ZOOM on: the pins in view,
    newest first, when there are at most `limit`; more are clustered as below, except at the last
    zoom, where the newest `limit` are shown and `truncated` says so."""
    lat_size, lon_size = _cell_sizes(view.zoom)
    box = _widened(view, lat_size, lon_size)
    if box is None:
        return Markers([], [], False)
    if view.zoom >= PIN_ZOOM:
        query = _located(filters, view.bounds).order_by(Post.created_at.desc(), Post.id.desc())
        rows = db.session.execute(query.with_only_columns(*_PIN_COLUMNS, maintain_column_froms=True).limit(limit + 1))
        pins = [Pin(*row) for row in rows]
        if len(pins) <= limit or view.zoom >= LAST_ZOOM:
            return Markers(pins[:limit], [], len(pins) > limit)
        # A street with more reports than a response carries: clusters of this zoom's cells still
        # count them all; only at the last zoom are the newest shown, and the map says so.
    row_cell = cell_index((Post.latitude + 90) / lat_size)
    column_cell = cell_index((Post.longitude + 180) / lon_size)
    cells = db.session.execute(
        _located(filters, box)
        .with_only_columns(
            func.count(),
            func.max(Post.id),
            func.avg(Post.latitude),
            func.avg(Post.longitude),
            func.min(Post.latitude),
            func.min(Post.longitude),
            func.max(Post.latitude),
            func.max(Post.longitude),
            maintain_column_froms=True,
        )
        .group_by(row_cell, column_cell)
    ).all()
    alone = [cell[1] for cell in cells if cell[0] == 1]
    pins = []
    if alone:
        rows = db.session.execute(
            queries.public_posts_query(filters, queries.Sort.NEWEST)
            .with_only_columns(*_PIN_COLUMNS, maintain_column_froms=True)
            .where(Post.id.in_(alone))
            .order_by(None)
        )
        pins = [Pin(*row) for row in rows]
    clusters = [
        Cluster(float(lat), float(lon), count, Bounds(south, west, north, east))
        for count, _id, lat, lon, south, west, north, east in cells
        if count > 1
    ]
    return Markers(pins, clusters, False)
