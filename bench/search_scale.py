"""Similar posts and search at 1k, 10k and 100k posts, beside SQLite FTS5 on the same text, same run.

For each size: the posts go into a fresh database and `flask search rebuild`'s code indexes them
(throughput in docs/s); FTS5 (Python's sqlite3, in memory) gets the same text, folded the same way.
Then the same queries go to both:
  similar  the app's similar-posts service for a whole new post (text, category, place, time), and
           FTS5's best 10 by bm25 for a flat OR of every word of that post;
  search   the app's search service for the first three words of a post title (all words, ranked,
           with the total count), and FTS5's best 20 for the same words (AND) plus its count.
Latency is CPU time per query (best of 3, this thread only: the machine is shared and noisy) and
the wall time of the first run; every figure is also given as a ratio to FTS5 in the same run, and
the app's p95 at each size as a ratio to its own p95 at 1k.

    .venv/bin/python bench/search_scale.py [--sizes 1000,10000,100000] [--queries 150] [--backend postgres]
                                           [--rebuild-only]

With --backend postgres the same posts also go into a new PostgreSQL database (on the server of
BENCH_DATABASE_URL, dropped after) searched by PostgreSQL's backend, and every line is printed for
both, Whoosh's first. CPU is this process's thread only: on PostgreSQL most of a query's work is the
server's, so compare the wall times (both in the same run, on the same machine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import DEFAULT_SETS, ask, cleanup, load, moment, percentile, read_jsonl

SEEDS = DEFAULT_SETS.parent / "seed"
_WORD = re.compile(r"\w+")


def corpus_and_queries(size: int, count: int) -> tuple[list[dict], list[dict]]:
    """Real reports (Boston, London, Persian) up to `size`, padded with moved copies; and queries."""
    boston, persian = DEFAULT_SETS / "boston311-dev", DEFAULT_SETS / "parsinlu-fa-dev"
    if not (boston / "queries.jsonl").exists():
        print(f"No dupbench data at {DEFAULT_SETS} (../shared/data): nothing was measured.", file=sys.stderr)
        raise SystemExit(2)
    rng = random.Random(20261126)
    docs = read_jsonl(boston / "corpus.jsonl") + read_jsonl(persian / "corpus.jsonl")
    for seed in ("seed-en-boston-20k.jsonl.gz", "seed-en-london-20k.jsonl.gz"):
        if (SEEDS / seed).exists():
            docs += read_jsonl(SEEDS / seed)
    rng.shuffle(docs)
    while len(docs) < size:  # the same reports three years later, a little elsewhere
        extra = dict(rng.choice(docs))
        extra["created"] = extra["created"] and (moment(extra["created"]) + timedelta(days=3 * 365)).isoformat()
        extra["lat"] = extra["lat"] and extra["lat"] + rng.uniform(-0.01, 0.01)
        docs.append(extra)
    queries = rng.sample(read_jsonl(boston / "queries.jsonl"), count * 2 // 3)
    queries += rng.sample(read_jsonl(persian / "queries.jsonl"), count - len(queries))
    return docs[:size], queries


def build_app(docs: list[dict], workdir: Path, backend: str = "whoosh"):
    """The app holding these posts (bench/dupbench.py), and the rebuild's docs/s (wall clock)."""
    set_dir = workdir / "set"
    if not set_dir.exists():
        set_dir.mkdir()
        with (set_dir / "corpus.jsonl").open("w") as fh:
            for number, doc in enumerate(docs):
                fh.write(json.dumps({**doc, "id": f"d{number}"}) + "\n")
    loaded = load(set_dir, workdir=workdir / f"app-{backend}", backend=backend)
    return loaded, len(docs) / loaded.index_seconds


def build_fts(docs: list[dict]) -> sqlite3.Connection:
    from app.search.analysis import fold_text

    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, title, body)")
    rows = [(n, fold_text(d.get("title") or ""), fold_text(d.get("body") or "")) for n, d in enumerate(docs)]
    fts.executemany("INSERT INTO p VALUES (?, ?, ?)", rows)
    fts.commit()
    return fts


def fts_words(text: str) -> list[str]:
    from app.search.analysis import fold_text

    return list(dict.fromkeys(_WORD.findall(fold_text(text))))


def timed(call) -> tuple[float, float]:
    """(best CPU ms of 3, wall ms of the first run)."""
    best, wall = float("inf"), 0.0
    for attempt in range(3):
        started, cpu = time.perf_counter(), time.thread_time()
        call()
        best = min(best, (time.thread_time() - cpu) * 1000)
        if attempt == 0:
            wall = (time.perf_counter() - started) * 1000
    return best, wall


def measure(loaded, fts: sqlite3.Connection, queries: list[dict]) -> dict[str, list]:
    from flask_login import AnonymousUserMixin

    from app.search.queries import SearchRequest, search_posts

    anonymous = AnonymousUserMixin()
    found: dict[str, list] = {"similar": [], "similar fts5": [], "search": [], "search fts5": [], "agreement": []}
    with loaded.app.app_context(), loaded.app.test_request_context():
        for query in queries[:20]:  # warm the searchers and caches, as a running server is
            ask(loaded, query, full=True)
        for query in queries:
            words = fts_words(f"{query.get('title') or ''} {query.get('body') or ''}")
            flat_or = " OR ".join(f'"{w}"' for w in words) or '""'
            title_words = fts_words(query.get("title") or "")[:3] or ["x"]
            all_words = " ".join(f'"{w}"' for w in title_words)
            found["similar"].append(timed(lambda q=query: ask(loaded, q, full=True)))
            found["similar fts5"].append(
                timed(
                    lambda m=flat_or: fts.execute(
                        "SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (m,)
                    ).fetchall()
                )
            )
            request = SearchRequest(text=" ".join(title_words))
            found["search"].append(timed(lambda r=request: search_posts(r, anonymous)))
            found["search fts5"].append(timed(lambda m=all_words: _fts_search(fts, m)))
            if loaded.app.config["SEARCH_BACKEND"] == "whoosh":
                found["agreement"].append(_agreement(loaded, request, search_posts(request, anonymous), anonymous))
    return found


def _agreement(loaded, request, results, viewer) -> tuple[float, int, int, bool] | None:
    """The page's top 10 against the ranking before issue 16 (every match scored, `optimize=False`, a
    mask) and against every match's score sorted, and its count against an exact one: (overlap@10,
    total shown, exact total, shown as estimate, overlap@10 with the sorted scores).
    None when nothing matched as typed (the spelling paths are unchanged)."""
    from app.search import queries
    from app.search.permissions import hidden_from

    with loaded.app.extensions["search_store"].searcher() as searcher:
        groups = queries.query_groups(request.text, queries._splitter(searcher, viewer))
        if not groups:
            return None
        query, mask = queries._all_words(groups, []), hidden_from(viewer)
        hits = searcher.search(query, limit=20, optimize=False, mask=mask)
        before = [int(hit["id"]) for hit in hits[:10]]
        # Counted by collecting every match: len() of a limited search counts one segment's matches only
        # on an index of several segments (whoosh-reloaded 2.7.5), which the page showed before issue 16.
        every = searcher.search(query, limit=None, optimize=False, mask=mask)
        exact_total = len(every)
        # Every match's own score, best first, ties by document number: what a limited search should
        # return. Whoosh's limited one can miss better matches (docs/decisions/0032-whoosh-at-scale.md).
        scored = [int(searcher.stored_fields(d)["id"]) for _, d in sorted((-h.score, h.docnum) for h in every)[:10]]
    if not before or results.corrected or results.approximate:
        return None
    now = [hit.post.id for hit in results.hits[:10]]
    overlap, scored_overlap = len(set(now) & set(before)) / len(before), len(set(now) & set(scored)) / len(scored)
    return overlap, results.total, exact_total, results.total_is_estimate, scored_overlap


def _fts_search(fts: sqlite3.Connection, match: str) -> None:
    fts.execute("SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 20", (match,)).fetchall()
    fts.execute("SELECT count(*) FROM p WHERE p MATCH ?", (match,)).fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument(
        "--backend",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="postgres: PostgreSQL's search too (BENCH_DATABASE_URL), each line beside Whoosh's",
    )
    parser.add_argument(
        "--rebuild-only", action="store_true", help="only build each size's index and print the rebuild's line"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    backends = ["whoosh"] if args.backend == "whoosh" else ["whoosh", "postgres"]
    baseline: dict[tuple[str, str], float] = {}

    for size in sizes:
        docs, queries = corpus_and_queries(size, args.queries)
        fts = None if args.rebuild_only else build_fts(docs)
        found, rates, cpu_rates, loads = {}, {}, {}, {}
        with tempfile.TemporaryDirectory(prefix="search-scale-") as folder:
            for backend in backends:
                loaded, rates[backend] = build_app(docs, Path(folder), backend)
                cpu_rates[backend] = len(docs) / loaded.index_cpu_seconds
                loads[backend] = os.getloadavg()[0]
                try:
                    if fts is not None:
                        found[backend] = measure(loaded, fts, queries)
                finally:
                    cleanup(loaded)
        for backend in backends:
            label = f"{backend:8} " if len(backends) > 1 else ""
            print(
                f"{label}n={size:>6}: rebuild {rates[backend]:.0f} docs/s through the app's rebuild code "
                f"({cpu_rates[backend]:.0f} docs per CPU-second of it and its helper processes; load average "
                f"{loads[backend]:.1f} on {os.cpu_count()} cores)"
                + ("" if fts is None else f"; {len(queries)} queries")
            )
        if fts is None:
            continue
        for kind in ("similar", "search"):
            for backend in backends:
                label = f"{backend:8} " if len(backends) > 1 else ""
                print(label + _line(kind, found[backend], baseline, backend))
        if found["whoosh"]["agreement"]:
            print(_agreement_line(found["whoosh"]["agreement"]))


def _agreement_line(agreement: list) -> str:
    """overlap@10 with the ranking before issue 16, and how far the "about N" counts were off."""
    compared = [row for row in agreement if row is not None]
    if not compared:
        return "  search   overlap@10 with the ranking before: no query matched as typed"
    overlap = sum(row[0] for row in compared) / len(compared)
    identical = sum(1 for row in compared if row[0] == 1.0)
    estimated = [row for row in compared if row[3]]
    exact_right = sum(1 for row in compared if not row[3] and row[1] == row[2])
    errors = sorted(abs(shown - exact) / exact for _, shown, exact, _, _ in estimated)
    spread = f", off by median {percentile(errors, 50):.1%} max {errors[-1]:.1%}" if errors else ""
    scored = sum(row[4] for row in compared) / len(compared)
    scored_identical = sum(1 for row in compared if row[4] == 1.0)
    return (
        f"  search   overlap@10 with the ranking before {overlap:.3f} ({identical}/{len(compared)} queries "
        f"identical), with every match's score sorted {scored:.3f} ({scored_identical}/{len(compared)}) "
        f"| counts: {exact_right}/{len(compared) - len(estimated)} exact ones equal, "
        f'{len(estimated)} shown as "about"{spread}'
    )


def _line(kind: str, found: dict, baseline: dict, backend: str) -> str:
    ours_cpu = [cpu for cpu, _ in found[kind]]
    fts_cpu = [cpu for cpu, _ in found[f"{kind} fts5"]]
    ours_wall = [wall for _, wall in found[kind]]
    fts_wall = [wall for _, wall in found[f"{kind} fts5"]]
    p95 = percentile(ours_cpu, 95)
    baseline.setdefault((backend, kind), p95)
    wall_p95 = percentile(ours_wall, 95)
    first_wall = baseline.setdefault((backend, f"{kind} wall"), wall_p95)
    return (
        f"  {kind:7}  CPU p50 {percentile(ours_cpu, 50):6.2f} p95 {p95:6.2f} ms | FTS5 p50 "
        f"{percentile(fts_cpu, 50):6.2f} p95 {percentile(fts_cpu, 95):6.2f} ms | p95 ratio to FTS5 "
        f"{p95 / percentile(fts_cpu, 95):5.2f} | p95 ratio to own first size {p95 / baseline[(backend, kind)]:4.2f} | "
        f"wall p50/p95 "
        f"{percentile(ours_wall, 50):.1f}/{wall_p95:.1f} ms vs FTS5 "
        f"{percentile(fts_wall, 50):.1f}/{percentile(fts_wall, 95):.1f} ms | wall p95 ratio to FTS5 "
        f"{wall_p95 / percentile(fts_wall, 95):5.2f}, to own first size {wall_p95 / first_wall:4.2f}"
    )


if __name__ == "__main__":
    main()
