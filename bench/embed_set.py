"""Vectors of a dupbench set's corpus, by the app's model and post text, for `duplicates.py --vectors`.

Embedding a large corpus takes long (boston311-dev: about 42 minutes of one core); a file made once
lets the fused benchmark be repeated. `duplicates.py` re-embeds a sample through the app and prints
how closely the file matches.

    .venv/bin/python bench/embed_set.py ../shared/data/dupbench/boston311-dev OUT.npz
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import read_jsonl, require_set


def main() -> None:
    from app.search.embeddings import BATCH, embed_texts, post_text

    set_dir, out = require_set(sys.argv[1]), Path(sys.argv[2])
    corpus = read_jsonl(set_dir / "corpus.jsonl")
    texts = [post_text(doc.get("title") or "", doc.get("body") or "") for doc in corpus]
    started = time.perf_counter()
    parts = []
    for start in range(0, len(texts), BATCH):
        vectors = embed_texts(texts[start : start + BATCH])
        if vectors is None:
            raise SystemExit("The embedding model is not available")
        parts.append(vectors.astype(np.float16))
    np.savez(out, ids_c=np.array([doc["id"] for doc in corpus]), cp=np.concatenate(parts))
    seconds = time.perf_counter() - started
    print(f"{len(texts)} posts embedded in {seconds:.0f} s ({len(texts) / seconds:.1f} posts/s) into {out}")


if __name__ == "__main__":
    main()
