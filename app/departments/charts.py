"""Server-rendered SVG bar charts: the bars' geometry, and the statistics page's charts
(the markup is in templates/departments/_chart.html)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from app.core.l10n import format_decimal_places, format_number
from app.core.web import localized
from app.departments import stats
from app.posts.labels import status_label
from app.posts.models import PUBLIC_STATUSES, PostStatus

WIDTH = 640
ROW = 30
BAR = 20
LABEL = 240  # space for the category's or department's name
VALUE = 90  # space for the number after the bar
# The wide chart scales with its box (a viewBox): its 14-unit labels stay at 11 px or more down to a
# box of 503 px, and the page switches to the narrow chart below 520 px (static/css/app.css). The
# narrow chart has no viewBox: its text keeps its size at any width, the label above its bar.
NARROW_ROW = 46
NARROW_BAR = 14
NARROW_AREA = 70.0  # per cent of the width the longest bar takes; the rest is for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as shown: localised digits, units
    href: str | None = None
    color: str = "#0b5d8f"


@dataclass(frozen=True)
class PlacedBar:
    bar: Bar
    y: float
    bar_x: float
    bar_width: float
    label_x: float
    value_x: float
    text_y: float


@dataclass(frozen=True)
class NarrowBar:
    """A bar of the narrow chart: its label on a line above it, its length in per cent of the width."""

    bar: Bar
    label_y: float
    bar_y: float
    text_y: float
    start: float  # per cent: where the bar begins (its reading start)
    share: float  # per cent: its length
    value_x: float  # per cent: where its value is written (just past its end)


@dataclass(frozen=True)
class Chart:
    bars: list[PlacedBar]
    width: int
    height: int
    rtl: bool
    label_anchor: str
    value_anchor: str
    narrow: list[NarrowBar]
    narrow_height: int


def layout(bars: list[Bar], *, rtl: bool) -> Chart:
    """Place horizontal bars: labels at the reading start, bars growing toward the reading end."""
    largest = max((b.value for b in bars), default=0) or 1
    area = WIDTH - LABEL - VALUE
    placed, narrow = [], []
    for index, bar in enumerate(bars):
        share = round(max(bar.value / largest * NARROW_AREA, 0.5 if bar.value > 0 else 0), 2)
        top = index * NARROW_ROW
        start = round(100 - share, 2) if rtl else 0.0
        narrow.append(NarrowBar(bar, top + 17, top + 25, top + 37, start, share, start if rtl else share))
        y = index * ROW + (ROW - BAR) / 2
        length = max(bar.value / largest * area, 2 if bar.value > 0 else 0)
        if rtl:
            bar_x, label_x, value_x = WIDTH - LABEL - length, WIDTH - 4, WIDTH - LABEL - length - 6
        else:
            bar_x, label_x, value_x = LABEL, 4, LABEL + length + 6
        placed.append(PlacedBar(bar, y, bar_x, length, label_x, value_x, index * ROW + ROW / 2 + 5))
    # With direction="rtl" on the SVG, "start" is a text's right edge: anchoring every text at its
    # start puts labels at the reading start and values just past the bar's end in both directions.
    return Chart(placed, WIDTH, max(len(bars), 1) * ROW, rtl, "start", "start", narrow, max(len(bars), 1) * NARROW_ROW)


def shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


STATUS_COLORS = {
    PostStatus.PENDING: "#7a5a00",
    PostStatus.PUBLISHED: "#0b5d8f",
    PostStatus.REJECTED: "#8c1c28",
    PostStatus.DUPLICATE: "#6c757d",
    PostStatus.FORWARDED: "#5a3c8c",
    PostStatus.IN_PROGRESS: "#7b4fb8",
    PostStatus.RESOLVED: "#146c43",
    PostStatus.DECLINED: "#a33a45",
    PostStatus.WITHDRAWN: "#5c636a",
}


def _days(value: timedelta | None) -> float:
    return value.total_seconds() / 86400 if value is not None else 0.0


def statistics_charts(rtl: bool) -> dict:
    """The statistics page's charts, labelled in the viewer's language."""

    def days(value: timedelta | None) -> str:
        return (
            _("%(days)s days", days=format_decimal_places(_days(value), 1)) if value is not None else _("no answer yet")
        )

    figures = stats.figures()
    by_status, times = figures.counts.by_status, figures.times
    return {
        "status": layout(
            [
                Bar(
                    status_label(s),
                    by_status.get(s, 0),
                    format_number(by_status.get(s, 0)),
                    url_for("posts.list_posts", status=s.value) if s in PUBLIC_STATUSES else None,
                    STATUS_COLORS[s],
                )
                for s in PostStatus
            ],
            rtl=rtl,
        ),
        "category": layout(
            [
                Bar(localized(c), n, format_number(n), url_for("posts.list_posts", category=c.id))
                for c, n in figures.counts.by_category
            ],
            rtl=rtl,
        ),
        "department": layout(
            [Bar(localized(d), n, format_number(n), color="#5a3c8c") for d, n in figures.counts.by_department], rtl=rtl
        ),
        "first_response": layout(
            [
                Bar(
                    localized(t.department),
                    _days(t.median_first_response),
                    days(t.median_first_response),
                    color="#b35c00",
                )
                for t in times
            ],
            rtl=rtl,
        ),
        "resolution": layout(
            [
                Bar(localized(t.department), _days(t.median_resolution), days(t.median_resolution), color="#146c43")
                for t in times
            ],
            rtl=rtl,
        ),
        "times": times,
    }
