"""Post pages for bench/pages.py: many pages kept inside their clock step, and cold pages.

A post page is kept (for visitors, as shared parts, as a readers' page) under its versions and the
clock step of its similar posts (app.core.cache.clock: PANEL_REFRESH_SECONDS, each post's steps
starting its id's seconds apart). A line that says "200 different post pages" measures them kept:
the pages are chosen among those whose step turns last, warmed right before they are measured, and
the bench says how many turned all the same. A cold page (nothing of it kept) is measured apart:
through wrk, every request for an address never asked before (as the first view after the post's
version changed: the similar posts' ranking of this step is still kept), and in process, the CPU
time of the first view after a version change and of the first view in a new clock step (the
similar posts ranked again).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.config import Defaults
from app.core.cache import step_of


def clock_step() -> int:
    return int(os.environ.get("SHAHRVAND_PANEL_REFRESH_SECONDS", Defaults.PANEL_REFRESH_SECONDS))


@dataclass
class StepPages:
    """`count` post pages, chosen when asked (`paths()`) among `pool` as those whose clock step
    turns last, so that warming them up and measuring them fits in one step of each."""

    pool: list[int]
    count: int = 200
    fresh: bool = False  # every request a new address: nothing of the page is kept (a cold page)
    seed: int = 0
    chosen: list[int] = field(default_factory=list)

    def paths(self) -> list[str]:
        now, step = time.time(), clock_step()
        rng = random.Random(self.seed)
        ranked = sorted(self.pool, key=lambda post_id: (-_seconds_left(post_id, now, step), rng.random()))
        self.chosen = ranked[: self.count]
        return [f"/posts/{post_id}" for post_id in self.chosen]

    def turned(self, started: float, ended: float) -> int:
        """How many of the chosen pages' steps turned between `started` and `ended`."""
        step = clock_step()
        return sum(step_of(started, i, step) != step_of(ended, i, step) for i in self.chosen)


def _seconds_left(post_id: int, now: float, step: int) -> float:
    return (step_of(now, post_id, step) + 1) * step - post_id % step - now


def lua_script(paths: list[str], fresh: bool = False) -> str:
    """A wrk script asking for the paths at random; `fresh`: each with a query never sent before
    (per run, thread and request)."""
    quoted = ",".join(f'"{p}"' for p in paths)
    if not fresh:
        return (
            f"paths = {{{quoted}}}\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"
        )
    nonce = random.randrange(10**9)
    return (
        f"paths = {{{quoted}}}\nthreads = 0\nn = 0\n"
        "setup = function(thread)\n  threads = threads + 1\n  thread:set('id', threads)\nend\n"
        "request = function()\n  n = n + 1\n"
        f'  return wrk.format(nil, paths[math.random(#paths)] .. "?first={nonce}-" .. id .. "-" .. n)\nend\n'
    )


def cold_cost(instance: Path, post_ids: list[int], posts: int = 40) -> dict[str, tuple[float, float]]:
    """In process, CPU time of this thread (SQLite runs in it too): median ms of cold post pages,
    each post asked four times in turn — after its version changed (a vote's `page_version + 1`,
    written by another connection) and in a new clock step (the clock moved on: the similar posts
    ranked again), for a visitor and for the signed-in resident — and the share of a bare /healthz."""
    from app.core import cache
    from bench.participants import signed_in_client

    client, cookie = signed_in_client(instance)
    moved = [0.0]
    real_now = cache._now
    cache._now = lambda: real_now() + moved[0]
    writer = sqlite3.connect(instance / "bench.sqlite3", timeout=30)

    def version_changed(post_id: int) -> None:
        with writer:
            writer.execute("UPDATE post SET page_version = page_version + 1 WHERE id = ?", (post_id,))

    def new_step(_post_id: int) -> None:
        moved[0] += clock_step()

    kinds = {
        "visitor, first view in a new clock step": (new_step, {}),
        "visitor, first view after its version changed": (version_changed, {}),
        "signed in, first view in a new clock step": (new_step, cookie),
        "signed in, first view after its version changed": (version_changed, cookie),
    }
    times: dict[str, list[float]] = {name: [] for name in ("bare /healthz", *kinds)}
    chosen = random.Random(len(post_ids)).sample(post_ids[3:], posts + 3)
    try:
        for n, post_id in enumerate(chosen):  # the first three warm up
            started = time.thread_time()
            assert client.get("/healthz").status_code == 200
            if n >= 3:
                times["bare /healthz"].append((time.thread_time() - started) * 1000)
            for name, (make_cold, headers) in kinds.items():
                make_cold(post_id)
                started = time.thread_time()
                response = client.get(f"/posts/{post_id}", headers=headers)
                if n >= 3:
                    times[name].append((time.thread_time() - started) * 1000)
                assert response.status_code == 200, (post_id, response.status_code)
    finally:
        cache._now = real_now
        writer.close()
    bare = statistics.median(times["bare /healthz"])
    return {name: (statistics.median(values), bare / statistics.median(values)) for name, values in times.items()}
