"""Composing the demo city's posts: which resident wrote what, where and when, and where in the
workflow each one ends up. Everything comes from the seeded random generator, nothing from the clock
but `now`, so the same day gives the same city."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import jdatetime

from app.demo import data, ideas_fa, problems_fa, texts_en

ENGLISH_SHARE = 0.06  # Mashhad writes Persian; a few students and visitors write English
IDEA_SHARE = 0.22
REJECTED_SHARE = 0.02
DUPLICATE_SHARE = 0.03  # written about a problem someone already reported, marked as such
PENDING_DUPLICATES = 2  # recent ones still in the moderators' queue, beside their original
JITTER = 0.0025  # degrees, about 250 m


@dataclass
class Draft:
    kind: str  # "problem" or "idea"
    slug: str
    title: str
    body: str
    created_at: datetime
    lang: str = "fa"
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    topic: str | None = None  # the problem topic, with the place: what a duplicate repeats
    place: int | None = None
    reject: tuple[str, str] | None = None  # reason (its English title) and the moderator's words
    duplicate_of: int | None = None  # index of the original draft
    plan: str = "publish"


def compose(count: int, rng: random.Random, now: datetime) -> list[Draft]:
    """`count` drafts: Persian problems and ideas, a few English ones, a few to reject and a few
    duplicates of earlier problems; their dates and where each one ends up in the workflow."""
    english = min(round(count * ENGLISH_SHARE), len(texts_en.PROBLEMS_EN) + len(texts_en.IDEAS_EN))
    rejected = min(len(ideas_fa.REJECTED), max(1, round(count * REJECTED_SHARE)))
    duplicates = max(1, round(count * DUPLICATE_SHARE))
    ideas = round(count * IDEA_SHARE)
    problems = max(1, count - english - rejected - duplicates - ideas)
    drafts = (
        _problems(problems, rng, now)
        + _ideas(ideas, rng, now)
        + _english(english, rng, now)
        + _rejected(rejected, rng, now)
    )
    drafts = drafts[: count - duplicates]
    drafts += _duplicates(drafts, min(duplicates, count - len(drafts)), rng, now)
    for draft in drafts:
        if draft.plan in ("publish", "original"):
            draft.plan = _plan(draft, now, rng, may_wait=draft.plan == "publish")
    return drafts


def _point(place: int, rng: random.Random) -> tuple[str, str, float, float]:
    fa, en, lat, lon, _kind = data.PLACES[place]
    return fa, en, lat + rng.uniform(-JITTER, JITTER), lon + rng.uniform(-JITTER, JITTER)


def _places_for(kind: str | None) -> list[int]:
    """Places a topic fits: the shrine's streets, parks, or (None) any street, square or neighbourhood."""
    if kind is None:
        return [i for i, place in enumerate(data.PLACES) if place[4] != "park"]
    return [i for i, place in enumerate(data.PLACES) if place[4] == kind]


def when(season: str | None, rng: random.Random, now: datetime) -> datetime:
    """A moment in the past year, recent ones likelier; in the season's months when it has one."""
    if season is None:
        return now - timedelta(days=365 * rng.random() ** 1.7 + 0.05)
    windows = []
    this_year = jdatetime.date.fromgregorian(date=now.date()).year
    for year in (this_year, this_year - 1):
        for month, first, last in problems_fa.SEASONS[season]:
            last = min(last, 29 if month == 12 else last)  # Esfand has 29 days in most years
            start = jdatetime.datetime(year, month, first).togregorian()
            end = jdatetime.datetime(year, month, last, 23, 0).togregorian()
            if start < now - timedelta(days=1) and end > now - timedelta(days=400):
                windows.append((start, min(end, now - timedelta(hours=2))))
    start, end = rng.choice(windows)
    return start + (end - start) * rng.random()


def _problems(count: int, rng: random.Random, now: datetime) -> list[Draft]:
    """Each topic at each place once (so no two reports repeat each other), in varied words."""
    pairs = [(t, p) for t, topic in enumerate(problems_fa.TOPICS) for p in _places_for(topic[2])]
    rng.shuffle(pairs)
    drafts = []
    for topic_index, place in pairs[:count]:
        drafts.append(_problem(topic_index, place, rng, now))
    return drafts


def _problem(topic_index: int, place: int, rng: random.Random, now: datetime, avoid: Draft | None = None) -> Draft:
    key, slug, _where, season, titles, bodies = problems_fa.TOPICS[topic_index]
    fa, _en, lat, lon = _point(place, rng)
    title_options = [t.format(place=fa) for t in titles]
    body_options = [(b, None) if isinstance(b, str) else b for b in bodies]
    body_options = [(b.format(place=fa), s) for b, s in body_options]
    if avoid is not None:  # a second resident's report of the same thing, in other words
        title_options = [t for t in title_options if t != avoid.title]
        body_options = [(b, s) for b, s in body_options if not avoid.body.startswith(b)]
    title = rng.choice(title_options)
    body, body_season = rng.choice(body_options)
    if rng.random() < 0.35:
        body += " " + rng.choice(problems_fa.DETAILS + problems_fa.DETAILS_BY_CATEGORY.get(slug, []))
    if rng.random() < 0.45:
        body += " " + rng.choice(problems_fa.CLOSINGS)
    return Draft(
        kind="problem",
        slug=slug,
        title=title,
        body=body,
        created_at=when(body_season or season, rng, now),
        address=fa,
        latitude=lat,
        longitude=lon,
        topic=key,
        place=place,
    )


def _ideas(count: int, rng: random.Random, now: datetime) -> list[Draft]:
    """The written-once ideas first, then ideas about a named street or park."""
    written = list(ideas_fa.IDEAS)
    rng.shuffle(written)
    drafts = [
        Draft(kind="idea", slug=slug, title=title, body=body, created_at=when(season, rng, now))
        for slug, title, body, season in written[:count]
    ]
    combos = [(t, p) for t, template in enumerate(ideas_fa.IDEA_TEMPLATES) for p in _places_for(template[3])]
    rng.shuffle(combos)
    for template_index, place in combos[: max(0, count - len(drafts))]:
        slug, title, body, _where = ideas_fa.IDEA_TEMPLATES[template_index]
        fa, _en, lat, lon = _point(place, rng)
        drafts.append(
            Draft(
                kind="idea",
                slug=slug,
                title=title.format(place=fa),
                body=body.format(place=fa),
                created_at=when(None, rng, now),
                address=fa,
                latitude=lat,
                longitude=lon,
            )
        )
    return drafts


def _english(count: int, rng: random.Random, now: datetime) -> list[Draft]:
    problems = list(texts_en.PROBLEMS_EN)
    ideas = list(texts_en.IDEAS_EN)
    rng.shuffle(problems)
    rng.shuffle(ideas)
    drafts = []
    for n in range(count):
        if (n % 3 == 2 and ideas) or not problems:
            slug, title, body, season = ideas.pop()
            drafts.append(Draft("idea", slug, title, body, when(season, rng, now), lang="en"))
            continue
        slug, title, body, where, season = problems.pop()
        place = rng.choice(_places_for(where))
        _fa, en, lat, lon = _point(place, rng)
        drafts.append(
            Draft(
                "problem",
                slug,
                title.format(place=en),
                body.format(place=en),
                when(season, rng, now),
                lang="en",
                address=en,
                latitude=lat,
                longitude=lon,
                place=place,
            )
        )
    return drafts


def _rejected(count: int, rng: random.Random, now: datetime) -> list[Draft]:
    chosen = rng.sample(ideas_fa.REJECTED, k=count)
    return [
        Draft(kind, slug, title, body, when(None, rng, now), reject=(reason, words), plan="reject")
        for kind, slug, title, body, reason, words in chosen
    ]


def _duplicates(drafts: list[Draft], count: int, rng: random.Random, now: datetime) -> list[Draft]:
    """Other residents reporting a problem already reported at the same place, in their own words.
    The newest few wait in the moderators' queue; the others are marked as duplicates."""
    originals = [
        i for i, d in enumerate(drafts) if d.kind == "problem" and d.topic and now - d.created_at > timedelta(days=12)
    ]
    copies = []
    for n, index in enumerate(rng.sample(originals, k=min(count, len(originals)))):
        original = drafts[index]
        topic_index = next(i for i, topic in enumerate(problems_fa.TOPICS) if topic[0] == original.topic)
        copy = _problem(topic_index, original.place, rng, now, avoid=original)
        if n < PENDING_DUPLICATES:
            copy.created_at, copy.plan = now - timedelta(hours=rng.uniform(2, 40)), "pending"
        else:
            copy.created_at, copy.plan = min(original.created_at + timedelta(days=rng.uniform(1, 10)), now), "duplicate"
        copy.duplicate_of = index
        original.plan = "original"
        copies.append(copy)
    return copies


def _plan(draft: Draft, now: datetime, rng: random.Random, *, may_wait: bool) -> str:
    """Where the post ends up: recent ones wait for a moderator, older ones are further along
    (the original of a duplicate is public: it never waits)."""
    age = (now - draft.created_at).days
    if age < 2 and may_wait:
        return "pending" if rng.random() < 0.8 else "publish"
    if age < 7:
        return rng.choices(["pending", "publish", "forward"], [25, 55, 20])[0]
    if draft.kind == "idea":
        return rng.choices(["publish", "forward", "acknowledge", "resolve", "decline"], [60, 10, 12, 12, 6])[0]
    if age > 120:
        return rng.choices(["publish", "acknowledge", "start", "resolve", "decline"], [22, 5, 8, 55, 10])[0]
    return rng.choices(["publish", "forward", "acknowledge", "start", "resolve", "decline"], [30, 8, 14, 12, 28, 8])[0]
