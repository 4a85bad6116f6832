"""Calibrating "near-certain duplicate" (the interstitial on submit) on a dupbench set.

For every query (a real duplicate) the app's best similar post, its score and its text similarity; for
a sample of corpus posts that are nobody's answer (taken as new posts at their own time, the post
itself left out) the same. A threshold (score ≥ S and text ≥ T) is judged by:
  caught     share of real duplicates for which the interstitial shows the right post
  wrong      share of real duplicates for which it shows another post
  precision  caught / (caught + wrong): how often the post shown is the one repeated
  alarms     share of the sample held back although no duplicate is labelled (an upper bound: the
             corpus holds many unlabelled duplicates, e.g. the same text at the same spot a day later)
and the chosen pair catches most with precision ≥ 97% and alarms ≤ 5% (at most one new post in twenty
sees the page, and it costs that resident one click), among text floors of 0.5 or more: Persian
reports name their place in the text, and a different problem at the same bus stop reached a text
similarity of 0.38-0.43 in tests/search/test_similar.py (Boston's short texts cannot show this).

With --vectors FILE.npz (bench/embed_set.py), every post's vector is stored and the whole is measured
twice, words only and then with words and meaning fused (the draft cut as the app cuts it).

    .venv/bin/python bench/duplicate_threshold.py ../shared/data/dupbench/boston311-dev [--sample 1500]
        [--vectors FILE.npz]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import ask, cleanup, load, read_jsonl, require_set

SCORES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0)
TEXTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_PRECISION, MAX_ALARMS, MIN_TEXT_FLOOR = 0.97, 0.05, 0.5


def best(loaded, post: dict, exclude: set[str], place: bool) -> tuple[str | None, float, float]:
    post = post if place else {**post, "lat": None, "lon": None}
    for set_id, item in ask(loaded, post, full=True, limit=3):
        if set_id not in exclude:
            return set_id, item.score, item.text
    return None, 0.0, 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir")
    parser.add_argument("--sample", type=int, default=1500, help="corpus posts taken as new, non-duplicate posts")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-place", action="store_true", help="drafts without a place (ideas, problems not marked)")
    parser.add_argument("--vectors", type=Path, help="corpus vectors: measure words only, then words and meaning")
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)
    queries = read_jsonl(set_dir / "queries.jsonl")
    answers: dict[str, set[str]] = {}
    for line in (set_dir / "qrels.tsv").read_text().splitlines():
        query_id, doc_id, *_ = line.split("\t")
        answers.setdefault(query_id, set()).add(doc_id)
    answer_ids = set().union(*answers.values())
    corpus = [doc for doc in read_jsonl(set_dir / "corpus.jsonl") if doc["id"] not in answer_ids and doc.get("created")]
    sample = random.Random(20261126).sample(corpus, min(args.sample, len(corpus)))
    loaded = load(set_dir, workdir=args.workdir)
    try:
        if args.vectors is not None:
            from bench.duplicates import store_vectors

            with loaded.app.app_context():
                store_vectors(loaded, args.vectors, len(loaded.post_of))
        for fused in (False, True) if args.vectors is not None else (None,):
            if fused is not None:
                loaded.app.config["SEARCH_EMBEDDINGS"] = fused
            grid(loaded, set_dir, queries, answers, sample, args.no_place, fused)
    finally:
        cleanup(loaded)


def grid(loaded, set_dir: Path, queries, answers, sample, no_place: bool, fused: bool | None) -> None:
    """Every threshold pair's figures, and the pair chosen."""
    from app.search.embeddings import DRAFT_WORDS

    with loaded.app.app_context(), loaded.app.test_request_context():
        duplicates = []
        for query in queries:
            found, score, text = best(loaded, query, set(query.get("exclude") or []), not no_place)
            duplicates.append((found in answers.get(query["id"], ()), found is not None, score, text))
        fresh = [best(loaded, doc, {doc["id"]}, not no_place)[1:] for doc in sample]
    place = "without their places" if no_place else "with text, category, place and time"
    how = {None: "", False: ", words only", True: f", words and meaning (the draft's first {DRAFT_WORDS} words)"}
    print(f"set {set_dir.name}: {len(duplicates)} real duplicates, {len(fresh)} taken as new, {place}{how[fused]}")
    print("score≥  text≥   caught   wrong precision  alarms")
    chosen = None
    for s in SCORES:
        for t in TEXTS:
            caught = sum(ok and sc >= s and tx >= t for ok, _f, sc, tx in duplicates) / len(duplicates)
            wrong = sum(f and not ok and sc >= s and tx >= t for ok, f, sc, tx in duplicates) / len(duplicates)
            alarms = sum(sc >= s and tx >= t for sc, tx in fresh) / len(fresh)
            precision = caught / (caught + wrong) if caught + wrong else 1.0
            print(f"{s:6.2f} {t:6.2f}  {caught:7.3f} {wrong:7.3f} {precision:9.3f} {alarms:7.3f}")
            good = precision >= MIN_PRECISION and alarms <= MAX_ALARMS and t >= MIN_TEXT_FLOOR
            if good and (chosen is None or caught > chosen[2]):
                chosen = (s, t, caught, wrong, precision, alarms)
    if chosen:
        s, t, caught, wrong, precision, alarms = chosen
        print(
            f"chosen: SEARCH_DUPLICATE_SCORE={s:.2f} SEARCH_DUPLICATE_TEXT={t:.2f} caught={caught:.3f} "
            f"wrong={wrong:.3f} precision={precision:.3f} alarms={alarms:.3f}"
        )


if __name__ == "__main__":
    main()
