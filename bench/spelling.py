"""How far may "did you mean" reach? Typos it repairs against real words it would wrongly "correct".

Indexes a dupbench corpus (Persian by default) with the app's schema, then asks the app's own
corrector (app.search.spelling) about two kinds of words, by word length and edit distance:
  typos   well-known words of the corpus (in 5+ posts) with one or two realistic slips: a neighbouring
          key of the Persian keyboard, a letter that sounds the same (ز/ذ/ض/ظ, س/ص/ث, ت/ط, ه/ح, ق/غ),
          a letter left out, doubled or swapped. A correction is right when it gives the word back.
  rare    real words of the set's queries that the corpus holds in at most two posts (typed right,
          only rare): any correction offered is one a resident did not need.
For each reach (edits allowed per word length) it prints typos repaired, typos "repaired" into another
word, and rare words changed; the reach the app uses is the one chosen from these lines.

    .venv/bin/python bench/spelling.py [../shared/data/dupbench/parsinlu-fa-dev] [--words 600]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import DEFAULT_SETS, read_jsonl, require_set

ROWS = ("ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپو")  # the Persian standard keyboard (ISIRI 9147)
SOUNDS = ("زذضظ", "سصث", "تط", "هح", "قغ", "اع")
LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
REACHES = {  # name -> edits allowed for a word of n letters
    "1 always": lambda n: 1,
    "1 up to 4 letters, else 2 (before)": lambda n: 1 if n <= 4 else 2,
    "1 up to 5 letters, else 2": lambda n: 1 if n <= 5 else 2,
    "1 up to 6 letters, else 2 (chosen)": lambda n: 1 if n <= 6 else 2,
    "1 up to 7 letters, else 2": lambda n: 1 if n <= 7 else 2,
}


def neighbours(letter: str) -> str:
    found = ""
    for row in ROWS:
        i = row.find(letter)
        if i >= 0:
            found += row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    for group in SOUNDS:
        if letter in group:
            found += group.replace(letter, "")
    return found


def slip(word: str, rng: random.Random) -> str:
    """One realistic slip of the fingers or of the ear."""
    i = rng.randrange(len(word))
    kind = rng.choice(("key", "key", "sound", "drop", "double", "swap"))
    if kind in ("key", "sound") and neighbours(word[i]):
        return word[:i] + rng.choice(neighbours(word[i])) + word[i + 1 :]
    if kind == "drop" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]  # doubled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir", nargs="?", default=str(DEFAULT_SETS / "parsinlu-fa-dev"))
    parser.add_argument("--words", type=int, default=600, help="typos and rare words tried (each)")
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)

    from whoosh import index

    from app.search import spelling
    from app.search.analysis import STOPWORDS, fold_text, is_persian
    from app.search.similarity import post_document, post_schema

    rng = random.Random(20261126)
    corpus = read_jsonl(set_dir / "corpus.jsonl")
    queries = read_jsonl(set_dir / "queries.jsonl")
    with tempfile.TemporaryDirectory(prefix="spelling-") as folder:
        ix = index.create_in(folder, post_schema())
        with ix.writer(limitmb=256) as writer:
            for n, doc in enumerate(corpus):
                writer.add_document(**post_document(id=str(n), title=doc["title"], body=doc.get("body") or ""))
        with ix.searcher() as searcher:
            count = Counter()
            for doc in corpus:
                count.update(set(re.findall(r"\w+", fold_text(f"{doc['title']} {doc.get('body') or ''}"))))
            usable = [w for w, c in count.items() if c >= 5 and len(w) >= 3 and is_persian(w) and w not in STOPWORDS]
            typos = []
            while len(typos) < args.words:
                word = rng.choice(usable)
                typo = slip(word, rng)
                if len(word) >= 6 and rng.random() < 0.3:
                    typo = slip(typo, rng)  # two slips in a long word, now and then
                if typo != word and count.get(typo, 0) < spelling.COMMON_ENOUGH:
                    typos.append((typo, word))
            query_words = Counter()
            for query in queries:
                query_words.update(re.findall(r"\w+", fold_text(f"{query['title']} {query.get('body') or ''}")))
            rare = sorted(
                w
                for w in query_words
                if count.get(w, 0) <= 2 and len(w) >= spelling.MIN_LENGTH and is_persian(w) and w not in STOPWORDS
            )
            rare = rng.sample(rare, min(args.words, len(rare)))
            print(
                f"set {set_dir.name}: {len(corpus)} posts; {len(typos)} typos of words in 5+ posts; "
                f"{len(rare)} real words in at most 2 posts"
            )
            for name, reach in REACHES.items():
                spelling.max_edits = reach  # the one knob this measures
                right = wrong = 0
                for typo, word in typos:
                    fixed = spelling.corrections(searcher, typo).get(typo)
                    right += fixed == word
                    wrong += fixed is not None and fixed != word
                changed = sum(1 for word in rare if spelling.corrections(searcher, word).get(word))
                print(
                    f"  {name:36} typos repaired {right / len(typos):6.1%}  into another word {wrong / len(typos):6.1%}"
                    f"  | rare real words changed {changed / len(rare):6.1%}"
                )


if __name__ == "__main__":
    main()
