"""The "hot" order: support per day with recent days counting most, kept exact without a batch job.

CONSUL ranks by the net votes of the last min(age, 31) days divided by that many days. That window
has cliffs (a vote counts fully for 31 days, then not at all) and needs a nightly recount. We use
the same idea smoothed: every vote counts 2^(-age/HALF_LIFE), i.e. an exponentially decaying
support rate. Because 2^(-(now - t)/h) = 2^((t - EPOCH)/h) * 2^(-(now - EPOCH)/h) and the second
factor is the same for every post, storing S = sum(value * 2^((t - EPOCH)/h)) orders posts exactly
as the decayed support would at any moment. S changes only when someone votes (an SQL increment),
so "hot" is one index range like the other orders. Publication counts as one vote, so that new
posts with no votes yet are ordered by age. Float range: S stays finite for ~19 years after EPOCH
with a 7-day half-life (2^1023); before then a migration divides every score by weight(new EPOCH).
"""

from __future__ import annotations

from datetime import datetime

HALF_LIFE_DAYS = 7.0
EPOCH = datetime(2026, 1, 1)


def weight(moment: datetime) -> float:
    """How much a vote cast at this moment adds to the stored hot score."""
    days = (moment - EPOCH).total_seconds() / 86400.0
    return 2.0 ** (days / HALF_LIFE_DAYS)


def decayed_support(stored: float, now: datetime) -> float:
    """The stored score as today's decayed support (votes, each worth 1 when cast just now)."""
    return stored / weight(now)
