"""Duplicate finding on a dupbench set: recall@1/5/10, MRR@10 and latency, text-only and full runs.

Loads the set's corpus into a fresh database and index through the app's own code (bench/dupbench.py)
and asks the app's own similar-posts service for each query, giving it the query's text, category,
place and time ("now") in the full run and its text alone in the text-only run. Results are scored by
the set's own scorer (dupbench/score.py); the last line printed is the full run's
`recall@5=X mrr@10=Y`.

With --backend postgres, everything runs twice, on Whoosh and on PostgreSQL's search (a database made
on the server of BENCH_DATABASE_URL and dropped after), and each line is printed for both, one above
the other. On PostgreSQL part of the work is the server's: compare wall times, not this process's CPU.

With --embeddings, the same two runs follow with words and meaning fused (app.search.embeddings):
every post is embedded first through `flask search embed` code (the backfill rate is printed), or, with
--vectors FILE.npz, a vector file made by the same model and post text (bench/embed_set.py) is stored
instead and a sample of 64 posts is re-embedded to check it and time the backfill. Printed too: the
latency each query gained, and the memory the vectors take per 100,000 posts in each process.

With --draft-words 24,32,48,64 the fused runs are repeated with the draft (the query) cut to each number
of words (stored posts keep theirs, embeddings.MAX_WORDS); --typing N then writes the first N queries as
in the post form and counts the draft embeddings that remembering the last drafts' vectors saves;
--profile then prints where the added time of meaning goes (tokenising, the model's forward pass by the
draft's tokens, the nearest posts, the cosines, the fusion).

    .venv/bin/python bench/duplicates.py ../shared/data/dupbench/boston311-dev [--queries N] [--embeddings]
        [--vectors FILE.npz] [--draft-words 24,32,48,64] [--typing N] [--profile] [--backend postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dupbench import ask, cleanup, load, percentile, read_jsonl, require_set

ASKED = 12  # a little over 10: the scorer drops each query's excluded ids before cutting at 10


def run(loaded, queries: list[dict], *, full: bool, out: Path) -> list[tuple[float, float]]:
    """Ask every query, write the results file; returns each query's wall and CPU milliseconds."""
    from app.extensions import db
    from app.search.embeddings import forget_drafts

    times = []
    with loaded.app.app_context(), loaded.app.test_request_context(), out.open("w") as fh:
        for number, query in enumerate(queries):
            forget_drafts()  # each query's draft is embedded, not taken from an earlier run's memory
            started, cpu = time.perf_counter(), time.process_time()
            ranked = [set_id for set_id, _item in ask(loaded, query, full=full, limit=ASKED)]
            ms = (time.perf_counter() - started) * 1000
            times.append((ms, (time.process_time() - cpu) * 1000))
            fh.write(json.dumps({"query_id": query["id"], "ranked": ranked, "ms": round(ms, 3)}) + "\n")
            if number % 200 == 199:
                db.session.remove()  # keep the identity map small, as requests do
    return times


def embed_corpus(loaded, vectors_file: Path | None) -> None:
    """Every post's vector: by the app's backfill, or from a vector file checked on a sample."""
    from app.extensions import db
    from app.search import embeddings
    from app.search.models import PostEmbedding
    from app.search.vectors import app_vectors

    with loaded.app.app_context():
        post_ids = embeddings.posts_to_embed(missing_only=True)
        if vectors_file is not None and post_ids:
            held = store_vectors(loaded, vectors_file, len(post_ids))
            sample = held[:: max(1, len(held) // 64)][:64]
            before = {i: embeddings.from_bytes(db.session.get(PostEmbedding, i).vector) for i in sample}
            db.session.remove()
            started = time.perf_counter()
            embeddings.backfill(sample, force=True)
            seconds = time.perf_counter() - started
            after = {i: embeddings.from_bytes(db.session.get(PostEmbedding, i).vector) for i in sample}
            agreement = min(float(before[i] @ after[i]) for i in sample)
            print(
                f"vectors from {vectors_file.name}; re-embedded a sample of {len(sample)}: lowest cosine with the "
                f"file {agreement:.4f}; backfill {len(sample) / seconds:.1f} posts/s "
                f"({seconds / len(sample) * 1000:.0f} ms each)"
            )
        elif post_ids:
            started = time.perf_counter()
            count = embeddings.backfill(post_ids, force=False)
            seconds = time.perf_counter() - started
            print(
                f"backfill (`flask search embed` code): {count} posts in {seconds:.1f} s "
                f"({count / seconds:.1f} posts/s)"
            )
        started = time.perf_counter()
        vectors = app_vectors()
        seconds = time.perf_counter() - started
        per_100k = vectors.nbytes() / max(1, len(vectors)) * 100_000 / 2**20
        nearest_at_100k(vectors)
        print(
            f"vectors in memory: {len(vectors)} loaded in {seconds:.2f} s; {per_100k:.1f} MiB per 100,000 posts "
            f"per process (int8 + scale + sign code + id); stored as float16: "
            f"{768 * 100_000 / 2**20:.1f} MiB per 100,000"
        )


def store_vectors(loaded, vectors_file: Path, missing: int) -> list[int]:
    """Store the posts' vectors from a file made by bench/embed_set.py; returns the posts it held."""
    from app.extensions import db
    from app.search import embeddings
    from app.search.models import PostEmbedding

    stored = np.load(vectors_file)
    position = {set_id: i for i, set_id in enumerate(stored["ids_c"].tolist())}
    rows = db.session.execute(db.select(embeddings.Post.id, embeddings.Post.title, embeddings.Post.body))
    identity = embeddings.model_identity()
    rows = [row for row in rows if loaded.set_id_of[row.id] in position]  # a file may hold a subset
    print(f"vectors from {vectors_file.name}: {len(rows)} of {missing} posts")
    db.session.execute(
        db.insert(PostEmbedding),
        [
            {
                "post_id": row.id,
                "model": identity,
                "text_hash": embeddings.text_hash(embeddings.post_text(row.title, row.body)),
                "vector": stored["cp"][position[loaded.set_id_of[row.id]]].astype("<f2").tobytes(),
            }
            for row in rows
        ],
    )
    db.session.commit()
    return [row.id for row in rows]


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
    parser.add_argument("--embeddings", action="store_true", help="then the same runs with words and meaning fused")
    parser.add_argument("--vectors", type=Path, help="corpus vectors made by bench/embed_set.py (skips the backfill)")
    parser.add_argument("--only-fused", action="store_true", help="skip the words-only runs (tuning)")
    parser.add_argument("--weights", default="", help="ranking constants to try, e.g. meaning_share=0.6,zsum=1")
    parser.add_argument(
        "--draft-words",
        default="",
        help="words of the draft embedded, e.g. 24,32,48,64: the fused runs once per cap (default: the app's)",
    )
    parser.add_argument("--runs", default="text,full", help="which runs: text, full or both (default)")
    parser.add_argument(
        "--typing",
        type=int,
        default=0,
        help="then N queries written as in the post form, counting the draft embeddings a memory of them saves",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then where the added time of meaning goes, part by part (with --embeddings)",
    )
    parser.add_argument(
        "--backend",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="postgres: the same runs on PostgreSQL's search too (BENCH_DATABASE_URL), each line beside Whoosh's",
    )
    args = parser.parse_args()
    set_dir = require_set(args.set_dir)
    scorer_of(set_dir)  # before the long load: a run that cannot be scored is not worth starting
    queries = read_jsonl(set_dir / "queries.jsonl")
    if args.queries:
        queries = queries[: args.queries]
    set_weights(args.weights)
    if args.backend == "whoosh":
        for _key, line in evaluate(set_dir, queries, args, "whoosh"):
            print(line)
        return
    both = {name: evaluate(set_dir, queries, args, name) for name in ("whoosh", "postgres")}
    for (key, whoosh_line), (other_key, postgres_line) in zip(both["whoosh"], both["postgres"], strict=True):
        assert key == other_key, (key, other_key)
        if whoosh_line.startswith("=="):
            print(whoosh_line)
            continue
        print(f"whoosh   {whoosh_line}")
        print(f"postgres {postgres_line}")


def evaluate(set_dir: Path, queries: list[dict], args, backend: str) -> list[tuple[str, str]]:
    """Every line the runs print on one backend, each with a key naming its place (to set backends side by side)."""
    out: list[tuple[str, str]] = []
    loaded = load(set_dir, workdir=args.workdir if backend == "whoosh" else None, backend=backend)
    try:
        documents = len(loaded.post_of)
        out.append(
            (
                "set",
                f"set {set_dir.name}: {documents} posts indexed through `flask search rebuild` code in "
                f"{loaded.index_seconds:.1f} s ({documents / loaded.index_seconds:.0f} docs/s); {len(queries)} queries",
            )
        )
        modes = [] if args.only_fused else [False]
        if args.embeddings:
            embed_corpus(loaded, args.vectors)
            modes.append(True)
        from app.search import embeddings

        caps = [int(c) for c in args.draft_words.split(",") if c] or [embeddings.DRAFT_WORDS]
        runs = [(fused, cap) for fused in modes for cap in (caps if fused else [None])]
        last, times = [], {}
        for fused, cap in runs:
            loaded.app.config["SEARCH_EMBEDDINGS"] = fused
            embeddings.DRAFT_WORDS = cap or embeddings.DRAFT_WORDS
            for label, full in (
                ("text-only run (title and body)", False),
                ("full run (text, category, place, time)", True),
            ):
                if ("full" if full else "text") not in args.runs.split(","):
                    continue
                kind = f"fused{cap}" if fused else "words"
                name = f"{kind}-{'full' if full else 'text'}"
                results = loaded.workdir / f"results-{name}.jsonl"
                times[name] = run(loaded, queries, full=full, out=results)
                lines = score(set_dir, results)
                how = f"words and meaning fused, the draft's first {cap} words embedded" if fused else "words only"
                out.append((f"{name}-head", f"== {label}, {how}"))
                out += [(f"{name}-{number}", line) for number, line in enumerate(lines[:-1])]
                wall, cpu = [w for w, _ in times[name]], [c for _, c in times[name]]
                out.append(
                    (
                        f"{name}-latency",
                        f"latency a query: wall p50 {percentile(wall, 50):.1f} ms, p95 {percentile(wall, 95):.1f} ms; "
                        f"CPU of this process p50 {percentile(cpu, 50):.1f} ms, p95 {percentile(cpu, 95):.1f} ms",
                    )
                )
                last = lines[-1:]
        for cap in caps:
            for run_name in ("text", "full"):
                if f"words-{run_name}" in times and f"fused{cap}-{run_name}" in times:
                    pairs = list(zip(times[f"words-{run_name}"], times[f"fused{cap}-{run_name}"], strict=True))
                    wall = [b[0] - a[0] for a, b in pairs]
                    cpu = [b[1] - a[1] for a, b in pairs]
                    out.append(
                        (
                            f"added{cap}-{run_name}",
                            f"added latency of meaning, {run_name} run, draft cut to {cap} words: wall p50 "
                            f"{percentile(wall, 50):.1f} ms, p95 {percentile(wall, 95):.1f} ms; CPU p50 "
                            f"{percentile(cpu, 50):.1f} ms, p95 {percentile(cpu, 95):.1f} ms (one thread)",
                        )
                    )
        if args.profile and args.embeddings:
            for cap in caps:
                embeddings.DRAFT_WORDS = cap
                for run_name in args.runs.split(","):
                    out += [
                        (f"profile{cap}-{run_name}-{n}", line)
                        for n, line in enumerate(profile(loaded, queries, full=run_name == "full"))
                    ]
        if args.typing and args.embeddings:
            with loaded.app.app_context():
                out += [(f"typing-{n}", line) for n, line in enumerate(typing(queries[: args.typing], caps))]
        out += [("last", line) for line in last]
    finally:
        cleanup(loaded)
    return out


TOKEN_BANDS = (16, 24, 32, 48)  # the forward pass's cost, by the draft's tokens (the engine counts them)


def profile(loaded, queries: list[dict], *, full: bool) -> list[str]:
    """Where the added time of meaning goes for each query: tokenising, the model's forward pass (by
    the draft's length in tokens), the nearest posts among the vectors, their cosines with the
    candidates, and the fusion (the extra candidates read and scored). CPU of this one thread; the
    words-only ranking runs first for each query, then the fused one with the draft's vector ready."""
    from app.search import embeddings, similar
    from app.search.backend import search_backend
    from app.search.fusion import NEIGHBOURS, VectorMeaning
    from app.search.similarity import QueryPost, find_similar
    from app.search.vectors import app_vectors
    from bench.dupbench import moment

    parts: dict[str, list[float]] = {}
    by_tokens: dict[int, list[float]] = {}

    def timed(name, call, *args, **kwargs):
        started = time.process_time()
        value = call(*args, **kwargs)
        parts.setdefault(name, []).append((time.process_time() - started) * 1000)
        return value

    forward = "forward pass (tokenising included)"
    with loaded.app.app_context(), loaded.app.test_request_context():
        model, vectors, backend = embeddings.get_model(), app_vectors(), search_backend()
        for query in queries:
            title, body = query.get("title") or "", query.get("body") or ""
            text = embeddings.post_text(title, body, words=embeddings.DRAFT_WORDS)
            tokens = timed("tokenising", model.token_count, text)
            vector = timed(forward, embeddings.embed_texts, [text], query=True)[0]
            band = next((b for b in TOKEN_BANDS if tokens <= b), TOKEN_BANDS[-1] + 1)
            by_tokens.setdefault(band, []).append(parts[forward][-1])
            timed(f"nearest {NEIGHBOURS} of {len(vectors)} vectors", vectors.nearest, vector, NEIGHBOURS)
            category = loaded.category_of.get((query.get("category") or "")[:120]) if full else None
            post = QueryPost(
                title=title,
                body=body,
                category=str(category) if category is not None else None,
                lat=query.get("lat") if full else None,
                lon=query.get("lon") if full else None,
                now=moment(query.get("created")) if full else None,
            )
            meaning = VectorMeaning(vectors, functools.partial(lambda v: v, vector), frozenset())
            _ = meaning.neighbours  # timed above
            options = {"limit": similar.ASKED, "weights": similar.WEIGHTS}
            with backend.searcher() as searcher:
                words = timed("words", find_similar, searcher, post, **options)
                fused = timed("fused", find_similar, searcher, post, meaning=meaning, **options)
            ids = list(dict.fromkeys([s.id for s in words] + [s.id for s in fused] + list(meaning.neighbours)))
            timed("cosines", meaning.cosines, ids)
            parts.setdefault("fusion (fused ranking minus words, cosines included)", []).append(
                parts["fused"][-1] - parts["words"][-1]
            )
    run = "full" if full else "text"
    lines = [f"where the added time goes, {run} run, draft cut to {embeddings.DRAFT_WORDS} words, CPU p50 / p95:"]
    for name, values in parts.items():
        if name not in ("fused", "cosines"):
            lines.append(f"  {name}: {percentile(values, 50):.1f} / {percentile(values, 95):.1f} ms")
    cos = parts["cosines"]
    lines.append(f"  cosines of up to 60 candidates: {percentile(cos, 50):.2f} / {percentile(cos, 95):.2f} ms")
    for band in sorted(by_tokens):
        label = f"<= {band}" if band in TOKEN_BANDS else f"> {TOKEN_BANDS[-1]}"
        values = by_tokens[band]
        p50, p95 = percentile(values, 50), percentile(values, 95)
        lines.append(f"  forward pass, drafts of {label} tokens ({len(values)}): {p50:.1f} / {p95:.1f} ms")
    return lines


WORDS_PER_PAUSE = 5  # the form asks after each pause in typing the description (hx-trigger delay:800ms)


def typing(queries: list[dict], caps: list[int]) -> list[str]:
    """Each query written as in the post form, and what a memory of the last drafts' vectors saves.

    The form asks for suggestions when the title is written, after every WORDS_PER_PAUSE words of the
    description, when the category and the place are chosen, and once more on submit (the hold-back).
    Each request embeds the draft cut to the cap; with the memory (embeddings.DRAFTS_REMEMBERED, far
    more than one person's drafts in a row), a text already embedded is not embedded again. Each
    distinct text is embedded once here and its CPU time counted for every request that asks it."""
    from app.search import embeddings

    lines = []
    for cap in caps:
        requests = embedded = 0
        without, with_memory = [], []
        for query in queries:
            title, words = query.get("title") or "", (query.get("body") or "").split()
            bodies = [" ".join(words[:n]) for n in range(0, len(words), WORDS_PER_PAUSE)] + [" ".join(words)] * 3
            texts = [embeddings.post_text(title, body, words=cap) for body in bodies]
            cost = {}
            for text in dict.fromkeys(texts):
                started = time.process_time()
                embeddings.embed_texts([text], query=True)
                cost[text] = (time.process_time() - started) * 1000
            requests, embedded = requests + len(texts), embedded + len(cost)
            without.append(sum(cost[text] for text in texts))
            with_memory.append(sum(cost.values()))
        lines.append(
            f"while typing, draft cut to {cap} words ({len(queries)} posts written, {requests} requests): "
            f"the draft embedded {requests} times without memory, {embedded} with "
            f"({1 - embedded / requests:.0%} fewer); model CPU a post p50 {percentile(without, 50):.0f} → "
            f"{percentile(with_memory, 50):.0f} ms, p95 {percentile(without, 95):.0f} → "
            f"{percentile(with_memory, 95):.0f} ms"
        )
    return lines


def nearest_at_100k(vectors) -> None:
    """CPU time of one nearest-neighbour query among 100,000 vectors (the set's, repeated with noise)."""
    from app.search.embeddings import to_bytes
    from app.search.vectors import VectorIndex

    if not len(vectors):
        return
    rng = np.random.default_rng(20261126)
    base = np.stack([vectors.vector_of(int(i)) for i in vectors.ids[: len(vectors)]])
    big = VectorIndex()
    rows = base[rng.integers(0, len(base), 100_000)] + rng.normal(0, 0.01, (100_000, base.shape[1]))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    big._add([(i + 1, to_bytes(v)) for i, v in enumerate(rows)])
    cpu = []
    for query in base[rng.integers(0, len(base), 200)]:
        started = time.process_time()
        big.nearest(query, 20)
        cpu.append((time.process_time() - started) * 1000)
    print(
        f"nearest 20 among 100,000 vectors: CPU p50 {percentile(cpu, 50):.1f} ms, p95 {percentile(cpu, 95):.1f} ms; "
        f"{big.nbytes() / 2**20:.1f} MiB"
    )


def set_weights(spec: str) -> None:
    """Override constants of the ranking for this run (`name=value,...`)."""
    from app.search import similar

    changes = {}
    for item in filter(None, spec.split(",")):
        name, value = item.split("=")
        kind = type(getattr(similar.WEIGHTS, name))
        changes[name] = bool(int(value)) if kind is bool else kind(value)
    if changes:
        similar.WEIGHTS = dataclasses.replace(similar.WEIGHTS, **changes)
        print(f"weights: {changes}")


if __name__ == "__main__":
    main()
