"""A smaller dupbench set cut from a large one: its first N queries and the corpus posts near them.

Keeps every corpus post within METRES of one of the first N queries and filed in the DAYS before it,
plus every answer of those queries, with the qrels and tags of the queries kept; the set's scorer is
copied beside it (duplicates.py scores a set with the score.py in its parent folder). The full run
on such a set misses only far posts, which could enter only as candidates by words or meaning with no
place bonus; it is for measuring quickly, not for the goals.

    .venv/bin/python bench/near_subset.py ../shared/data/dupbench/boston311-dev bench/out/boston311-dev-near400
        [--queries 400] [--metres 400] [--days 35]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import moment, read_jsonl, require_set


def metres(a: dict, b: dict) -> float:
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir")
    parser.add_argument("out", type=Path)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--metres", type=float, default=400.0)
    parser.add_argument("--days", type=float, default=35.0)
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)
    queries = read_jsonl(set_dir / "queries.jsonl")[: args.queries]
    kept_q = {q["id"] for q in queries}
    qrels = [line for line in (set_dir / "qrels.tsv").read_text().splitlines() if line.split("\t")[0] in kept_q]
    answers = {line.split("\t")[1] for line in qrels}
    corpus = read_jsonl(set_dir / "corpus.jsonl")
    placed = [(q, moment(q["created"])) for q in queries if q.get("lat") is not None and q.get("created")]
    window = args.days * 86400

    def near(doc: dict) -> bool:
        if doc.get("lat") is None or not doc.get("created"):
            return False
        when = moment(doc["created"])
        return any(0 <= (at - when).total_seconds() <= window and metres(doc, q) <= args.metres for q, at in placed)

    kept = [doc for doc in corpus if doc["id"] in answers or near(doc)]
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in queries)
    with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in kept)
    (args.out / "qrels.tsv").write_text("".join(line + "\n" for line in qrels))
    tags = set_dir / "query_tags.tsv"
    if tags.exists():
        lines = [line for line in tags.read_text().splitlines() if line.split("\t")[0] in kept_q]
        (args.out / "query_tags.tsv").write_text("".join(line + "\n" for line in lines))
    shutil.copy(set_dir.parent / "score.py", args.out.parent / "score.py")
    print(f"{args.out.name}: {len(queries)} queries, {len(kept)} of {len(corpus)} corpus posts, {len(answers)} answers")


if __name__ == "__main__":
    main()
