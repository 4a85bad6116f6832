"""Does meaning help the search page's order? The search's first page, re-ranked by embedding cosine.

Each query of a dupbench set is typed into the search box (its title and description, as the page
takes them: the first 200 characters, 12 words) and asked of the app's own search (queries.search_posts,
first page of 20, by relevance, as a visitor). The answer's place in that order is scored as it is, and
after re-ranking the top K by the embedding cosine of the query (the draft's cut) with each result:
by cosine alone, and by reciprocal-rank fusion of the two orders. Queries whose answer is not on the
page cannot gain; the lines say how many were. Vectors come from a file of bench/embed_set.py.

    .venv/bin/python bench/search_meaning.py ../shared/data/dupbench/parsinlu-fa-dev --vectors OUT.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import cleanup, load, percentile, read_jsonl, require_set
from bench.duplicates import score, scorer_of, store_vectors

PAGE = 20
FIGURES = ("recall@1 ", "recall@5 ", "recall@10", "MRR@")  # the scorer's lines printed
RRF_K = 10  # reciprocal-rank fusion: 1/(RRF_K + rank by words) + 1/(RRF_K + rank by meaning)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir")
    parser.add_argument("--vectors", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=0)
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)
    scorer_of(set_dir)
    queries = read_jsonl(set_dir / "queries.jsonl")[: args.queries or None]
    loaded = load(set_dir)
    try:
        for line in evaluate(loaded, set_dir, queries, args.vectors):
            print(line)
    finally:
        cleanup(loaded)


def evaluate(loaded, set_dir: Path, queries: list[dict], vectors_file: Path) -> list[str]:
    from flask_login import current_user

    from app.search import embeddings
    from app.search.queries import QUERY_MAX, SearchRequest, search_posts
    from app.search.vectors import app_vectors

    orders: dict[str, list[tuple[str, list[str]]]] = {}
    found = cpu_words = 0
    added = []
    answers = {}
    for line in (set_dir / "qrels.tsv").read_text().splitlines():
        query_id, doc_id = line.split("\t")[:2]
        answers.setdefault(query_id, set()).add(doc_id)
    with loaded.app.app_context():
        store_vectors(loaded, vectors_file, len(loaded.post_of))
        vectors = app_vectors()
        with loaded.app.test_request_context():
            for query in queries:
                text = " ".join(f"{query.get('title') or ''} {query.get('body') or ''}".split())[:QUERY_MAX]
                started = time.process_time()
                results = search_posts(SearchRequest(text=text, per_page=PAGE), current_user)
                cpu_words += time.process_time() - started
                ids = [hit.post.id for hit in results.hits]
                set_ids = [loaded.set_id_of[i] for i in ids]
                found += bool(answers.get(query["id"], set()) & set(set_ids))
                orders.setdefault("words", []).append((query["id"], set_ids))
                started = time.process_time()
                embeddings.forget_drafts()
                vector = embeddings.embed_draft(query.get("title") or "", query.get("body") or "") if ids else None
                cosines = vectors.similarity(vector, ids) if vector is not None else {}
                added.append((time.process_time() - started) * 1000)
                by_meaning = sorted(ids, key=lambda i: -cosines.get(i, -1.0))
                meaning_rank = {post_id: rank for rank, post_id in enumerate(by_meaning)}
                for top in (10, PAGE):
                    head, tail = ids[:top], ids[top:]
                    alone = sorted(head, key=lambda i: -cosines.get(i, -1.0))
                    fused = sorted(
                        head,
                        key=lambda i: -(1 / (RRF_K + head.index(i)) + 1 / (RRF_K + meaning_rank.get(i, PAGE))),
                    )
                    for name, order in ((f"cosine, top {top}", alone), (f"rank fusion, top {top}", fused)):
                        orders.setdefault(name, []).append((query["id"], [loaded.set_id_of[i] for i in order + tail]))
    lines = [
        f"search page of {PAGE} for {len(queries)} queries typed in the box: the answer on the page for {found}; "
        f"search CPU {cpu_words / len(queries) * 1000:.1f} ms a query; re-ranking added CPU p50 "
        f"{percentile(added, 50):.1f} ms, p95 {percentile(added, 95):.1f} ms (embedding the query included)"
    ]
    for name, rows in orders.items():
        out = loaded.workdir / f"search-{name.replace(' ', '').replace(',', '-')}.jsonl"
        with out.open("w") as fh:
            for query_id, ranked in rows:
                fh.write(json.dumps({"query_id": query_id, "ranked": ranked, "ms": 0.0}) + "\n")
        figures = [line for line in score(set_dir, out) if line.startswith(FIGURES)]
        lines.append(f"{name:>22}: " + "  ".join(" ".join(line.split()) for line in figures))
    return lines


if __name__ == "__main__":
    main()
