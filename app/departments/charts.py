"""Geometry for server-rendered SVG bar charts (the markup is in templates/departments/_chart.html)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
ROW = 30
BAR = 20
LABEL = 220  # space for the category's or department's name
VALUE = 90  # space for the number after the bar


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
class Chart:
    bars: list[PlacedBar]
    width: int
    height: int
    rtl: bool
    label_anchor: str
    value_anchor: str


def layout(bars: list[Bar], *, rtl: bool) -> Chart:
    """Place horizontal bars: labels at the reading start, bars growing toward the reading end."""
    largest = max((b.value for b in bars), default=0) or 1
    area = WIDTH - LABEL - VALUE
    placed = []
    for index, bar in enumerate(bars):
        y = index * ROW + (ROW - BAR) / 2
        length = max(bar.value / largest * area, 2 if bar.value > 0 else 0)
        if rtl:
            bar_x, label_x, value_x = WIDTH - LABEL - length, WIDTH - 4, WIDTH - LABEL - length - 6
        else:
            bar_x, label_x, value_x = LABEL, 4, LABEL + length + 6
        placed.append(PlacedBar(bar, y, bar_x, length, label_x, value_x, index * ROW + ROW / 2 + 5))
    # With direction="rtl" on the SVG, "start" is a text's right edge: anchoring every text at its
    # start puts labels at the reading start and values just past the bar's end in both directions.
    return Chart(placed, WIDTH, max(len(bars), 1) * ROW, rtl, "start", "start")


def shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
