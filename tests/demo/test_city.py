"""The demo city is Mashhad: Persian residents writing about its streets, in their own varied words,
at the right time of year, with every step of a post's life shown somewhere."""

import random
from collections import Counter
from datetime import datetime

import jdatetime
import pytest

from app.demo import writing
from tests.demo import BOSTON, MASHHAD, persian, written_for_mashhad

NOW = datetime(2026, 12, 4, 10, 0)


def _month(moment: datetime) -> int:
    return jdatetime.date.fromgregorian(date=moment.date()).month


@pytest.mark.parametrize("count", [400, 120])
def test_the_drafts_are_mashhad_persian_and_say_each_thing_once(count):
    drafts = writing.compose(count, random.Random(1404), NOW)
    assert len(drafts) == count
    assert not [d.title for d in drafts if BOSTON.search(f"{d.title} {d.body} {d.address or ''}")]
    in_persian = sum(persian(d.title) for d in drafts)
    assert in_persian / count >= 0.85 and in_persian < count  # a few residents write English
    assert all(written_for_mashhad(d.title, d.address) for d in drafts if not persian(d.title))
    # Nobody repeats another resident word for word; a second report of a problem is a duplicate.
    originals = [d for d in drafts if d.duplicate_of is None]
    assert len({d.title for d in originals}) == len(originals)
    assert len({d.body for d in drafts}) == len(drafts)
    assert all(d.plan in ("duplicate", "pending") for d in drafts if d.duplicate_of is not None)
    for d in drafts:
        if d.latitude is not None:
            assert MASHHAD[0] < d.latitude < MASHHAD[2] and MASHHAD[1] < d.longitude < MASHHAD[3], d.title


def test_the_drafts_vary_in_length_and_kind_and_are_dated_in_their_season():
    drafts = writing.compose(400, random.Random(1404), NOW)
    lengths = sorted(len(d.body) for d in drafts)
    assert lengths[0] < 50 and lengths[40] < 100 and lengths[-40] > 160 and lengths[-1] > 300  # a line to a story
    kinds = Counter(d.kind for d in drafts)
    assert kinds["idea"] > 60 and kinds["problem"] > 250
    assert len({d.address for d in drafts if d.address}) > 35
    snow = [d for d in drafts if "برف" in d.body]
    nowruz = [d for d in drafts if "نوروز" in d.body]
    heat = [d for d in drafts if "گرمای تیر" in d.body or "۳۸ درجه" in d.body]
    assert snow and nowruz and heat
    assert {_month(d.created_at) for d in snow} <= {10, 11}  # Dey and Bahman
    assert {_month(d.created_at) for d in nowruz} <= {1}  # Farvardin
    assert {_month(d.created_at) for d in heat} <= {4, 5}  # Tir and Mordad
    assert all(d.created_at < NOW for d in drafts)


def test_the_same_day_gives_the_same_city():
    first = writing.compose(200, random.Random(1404), NOW)
    second = writing.compose(200, random.Random(1404), NOW)
    assert [(d.title, d.body, d.created_at, d.plan) for d in first] == [
        (d.title, d.body, d.created_at, d.plan) for d in second
    ]
