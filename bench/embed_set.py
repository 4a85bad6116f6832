"""Vectors of a dupbench set's corpus, by the app's model and post text, for `duplicates.py --vectors`.

Embedding a large corpus takes long (boston311-dev: about 42 minutes of one core); a file made once
lets the fused benchmark be repeated. `duplicates.py` re-embeds a sample through the app and prints
how closely the file matches. Every few hundred posts the vectors so far are saved beside OUT
(OUT.partial.npz) with a progress line; run the same command again to go on from there.

    .venv/bin/python bench/embed_set.py ../shared/data/dupbench/boston311-dev OUT.npz
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import read_jsonl, require_set

SAVE_EVERY = 20  # batches between saves of the vectors so far


def main() -> None:
    from app.search.embeddings import BATCH, embed_texts, post_text

    set_dir, out = require_set(sys.argv[1]), Path(sys.argv[2])
    partial = out.with_name(out.stem + ".partial.npz")
    corpus = read_jsonl(set_dir / "corpus.jsonl")
    ids = [doc["id"] for doc in corpus]
    texts = [post_text(doc.get("title") or "", doc.get("body") or "") for doc in corpus]
    parts = []
    if partial.exists():
        held = np.load(partial)
        assert held["ids_c"].tolist() == ids[: len(held["ids_c"])], "the partial file belongs to another corpus"
        parts.append(held["cp"])
        print(f"going on from {partial.name}: {len(held['cp'])} of {len(texts)} posts already embedded", flush=True)
    done = sum(len(part) for part in parts)
    started, first = time.perf_counter(), done
    for number, start in enumerate(range(done, len(texts), BATCH), start=1):
        vectors = embed_texts(texts[start : start + BATCH])
        if vectors is None:
            raise SystemExit("The embedding model is not available")
        parts.append(vectors.astype(np.float16))
        done = start + len(vectors)
        if number % SAVE_EVERY == 0 and done < len(texts):
            np.savez(partial, ids_c=np.array(ids[:done]), cp=np.concatenate(parts))
            rate = (done - first) / (time.perf_counter() - started)
            left = (len(texts) - done) / rate / 60
            print(f"{done} of {len(texts)} posts ({rate:.1f} posts/s; about {left:.0f} min left)", flush=True)
    np.savez(out, ids_c=np.array(ids), cp=np.concatenate(parts))
    partial.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    print(f"{done - first} posts embedded in {seconds:.0f} s ({(done - first) / seconds:.1f} posts/s) into {out}")


if __name__ == "__main__":
    main()
