"""Duplicate finding on a dupbench set: recall@1/5/10, MRR@10 and latency, text-only and full runs.

Loads the set's corpus into a fresh database and index through the app's own code (bench/dupbench.py)
and asks the app's own similar-posts service for each query, giving it the query's text, category,
place and time ("now") in the full run and its text alone in the text-only run. Results are scored by
the set's own scorer (dupbench/score.py); the last line printed is the full run's
`recall@5=X mrr@10=Y`.

    .venv/bin/python bench/duplicates.py ../shared/data/dupbench/boston311-dev [--queries N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import ask, cleanup, load, read_jsonl, require_set

ASKED = 12  # a little over 10: the scorer drops each query's excluded ids before cutting at 10


def run(loaded, queries: list[dict], *, full: bool, out: Path) -> None:
    from app.extensions import db

    with loaded.app.app_context(), loaded.app.test_request_context(), out.open("w") as fh:
        for number, query in enumerate(queries):
            started = time.perf_counter()
            ranked = [set_id for set_id, _item in ask(loaded, query, full=full, limit=ASKED)]
            ms = (time.perf_counter() - started) * 1000
            fh.write(json.dumps({"query_id": query["id"], "ranked": ranked, "ms": round(ms, 3)}) + "\n")
            if number % 200 == 199:
                db.session.remove()  # keep the identity map small, as requests do


def scorer_of(set_dir: Path) -> Path:
    """The set's own scorer (dupbench/score.py, beside the set); exits with a message when it is missing."""
    scorer = set_dir.parent / "score.py"
    if not scorer.is_file():
        raise SystemExit(f"cannot score: no scorer at {scorer} (dupbench sets are scored by the score.py beside them)")
    return scorer


def score(set_dir: Path, results: Path) -> list[str]:
    """The scorer's lines; exits non-zero with its message when it fails or prints no figures."""
    scorer = scorer_of(set_dir)
    output = subprocess.run([sys.executable, str(scorer), str(set_dir), str(results)], capture_output=True, text=True)
    lines = output.stdout.strip().splitlines()
    if output.returncode != 0 or not lines or "recall@5=" not in lines[-1]:
        problem = (output.stderr.strip() or output.stdout.strip() or "no output").splitlines()[-1]
        raise SystemExit(f"cannot score {results.name} with {scorer} (exit status {output.returncode}): {problem}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir")
    parser.add_argument("--queries", type=int, default=0, help="only the first N queries (a quick look)")
    parser.add_argument("--workdir", type=Path, help="build here (KEEP_BENCH=1 keeps it; a built one is reused)")
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)
    scorer_of(set_dir)  # before the long load: a run that cannot be scored is not worth starting
    queries = read_jsonl(set_dir / "queries.jsonl")
    if args.queries:
        queries = queries[: args.queries]
    loaded = load(set_dir, workdir=args.workdir)
    try:
        documents = len(loaded.post_of)
        print(
            f"set {set_dir.name}: {documents} posts indexed through `flask search rebuild` code in "
            f"{loaded.index_seconds:.1f} s ({documents / loaded.index_seconds:.0f} docs/s); {len(queries)} queries"
        )
        last = []
        for label, full in (
            ("text-only run (title and body)", False),
            ("full run (text, category, place, time)", True),
        ):
            results = loaded.workdir / f"results-{'full' if full else 'text'}.jsonl"
            run(loaded, queries, full=full, out=results)
            lines = score(set_dir, results)
            print(f"== {label}")
            print("\n".join(lines[:-1]))
            last = lines[-1:]
        print("\n".join(last))
    finally:
        cleanup(loaded)


if __name__ == "__main__":
    main()
