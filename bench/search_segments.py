"""Search and similar posts on the index a parallel rebuild leaves (one segment per process) against
the same posts in one segment (a rebuild in one process), in one run: is a merge at the end worth it?

For each size: the bench's posts (bench/search_scale.py) are indexed by a rebuild in two processes,
the queries run; the same posts are rebuilt in one process, the same queries run again. Lines as
search_scale.py prints them, the one-segment index's ratios taken against the two-segment one.

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
        found, segments = {}, {}
        with tempfile.TemporaryDirectory(prefix="search-segments-") as folder:
            loaded, _rate = build_app(docs, Path(folder))
            try:
                for processes in (2, 1):
                    with loaded.app.app_context():
                        loaded.app.config.update(SEARCH_REBUILD_PROCESSES=processes, SEARCH_REBUILD_PARALLEL_FROM=0)
                        search_backend().rebuild()
                        with index_store().searcher() as searcher:
                            segments[processes] = len(searcher.leaf_searchers())
                    found[processes] = measure(loaded, fts, queries)
            finally:
                cleanup(loaded)
        baseline: dict[tuple[str, str], float] = {}
        for kind in ("similar", "search"):
            for processes in (2, 1):
                line = _line(kind, found[processes], baseline, "whoosh")
                print(f"n={size:>6} {segments[processes]} segment(s) {line}")


if __name__ == "__main__":
    main()
