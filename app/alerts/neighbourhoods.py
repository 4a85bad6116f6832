"""Neighbourhoods a resident may follow by name: a circle each, read from data/neighbourhoods.csv.

The centres are approximate and the radii cover a neighbourhood's core, not its official boundary
(docs/decisions/0022-closing-the-loop.md says where they come from and how to replace them).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "neighbourhoods.csv"


@dataclass(frozen=True)
class Neighbourhood:
    key: str
    name_fa: str
    name_en: str
    latitude: float
    longitude: float
    radius_m: int


@cache
def _load() -> tuple[Neighbourhood, ...]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Neighbourhood(
                row["key"],
                row["name_fa"],
                row["name_en"],
                float(row["latitude"]),
                float(row["longitude"]),
                int(row["radius_m"]),
            )
            for row in csv.DictReader(fh)
        )


def neighbourhoods() -> tuple[Neighbourhood, ...]:
    """Every neighbourhood in the list, in the file's order (roughly east to west)."""
    return _load()


def neighbourhood(key: str | None) -> Neighbourhood | None:
    return next((n for n in _load() if n.key == key), None)
