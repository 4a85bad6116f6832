"""Search and similar posts on the index a parallel rebuild leaves (one segment per process) against
the same posts in one segment (a rebuild in one process), in one run: is a merge at the end worth it?

For each size: the bench's posts (bench/search_scale.py) are indexed by a rebuild in two processes,
the queries run; the same posts are rebuilt in one process, the same queries run again; then in two
processes once more (what the second run gains from caches warmed by the first shows there). Lines as
search_scale.py prints them, ratios taken against the first run.

    .venv/bin/python bench/search_segments.py [--sizes 10000] [--queries 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import cleanup
from bench.search_scale import _line, build_app, build_fts, corpus_and_queries, measure

RUNS = (2, 1, 2)  # processes of each rebuild, in turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    from app.search.backend import search_backend
    from app.search.store import index_store

    for size in (int(size) for size in args.sizes.split(",")):
        docs, queries = corpus_and_queries(size, args.queries)
        fts = build_fts(docs)
        found, segments = [], []
        with tempfile.TemporaryDirectory(prefix="search-segments-") as folder:
            loaded, _rate = build_app(docs, Path(folder))
            try:
                for processes in RUNS:
                    with loaded.app.app_context():
                        loaded.app.config.update(SEARCH_REBUILD_PROCESSES=processes, SEARCH_REBUILD_PARALLEL_FROM=0)
                        search_backend().rebuild()
                        with index_store().searcher() as searcher:
                            segments.append(len(searcher.leaf_searchers()))
                    found.append(measure(loaded, fts, queries))
            finally:
                cleanup(loaded)
        baseline: dict[tuple[str, str], float] = {}
        for kind in ("similar", "search"):
            for run in range(len(RUNS)):
                line = _line(kind, found[run], baseline, "whoosh")
                print(f"n={size:>6} run {run + 1}, {segments[run]} segment(s) {line}")


if __name__ == "__main__":
    main()
