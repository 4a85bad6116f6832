"""A rebuild writes what Whoosh's own writer writes, and finds what the index kept in step post by post found."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from whoosh import index
from whoosh.query import Or, Term
from whoosh.writing import SegmentWriter

from app.core.db import write_intent
from app.extensions import db
from app.posts.models import PostStatus
from app.search import queries, spelling
from app.search.analysis import analyze, text_ngrams
from app.search.backend import search_backend
from app.search.bulk_writer import BulkSegmentWriter
from app.search.documents import document_for, post_rows
from app.search.similarity import QueryPost, find_similar, post_document, post_schema
from app.search.store import index_store
from app.search.sync import drain, enqueue
from app.search.writers import LengthsCodec

pytestmark = pytest.mark.backends("whoosh")

TEXTS = [
    ("چاله‌ی بزرگ در خیابان امام رضا", "یک چاله‌ی عمیق وسط خیابان است که شب‌ها دیده نمی‌شود."),
    ("چالههای خیابانها", "ماشینها میروند و نمیشود رد شد؛ اطلاعرسانی نشده"),
    ("اطلاع رسانی درباره‌ی قطعی آب", "آب محله‌ی ۱۲ از ساعت ۸ قطع است"),
    ("نيمكت شكسته در پارك ملت", "نیمکت‌های پارک ملت شکسته‌اند و کسی رسیدگی نمی‌کند"),  # Arabic ي ك
    ("چراغ خاموش", "چراغ‌های کوچه‌ی ۷ خاموش‌اند"),
    ("Pothole on Main Street", "A deep pothole by the bus stop, cars swerving around the potholes"),
    ("Street lights out", "Street light out near the park; the lights have been out for weeks"),
    ("the and of", ""),  # stopwords only
    ("Graffiti", "Graffiti on the wall of the library, 3rd time this month"),
    ("درخت افتاده", "درخت بزرگی روی پیاده‌رو افتاده و راه را بسته است"),
    ("Broken bench in Mellat park", "نیمکت شکسته — broken bench near the fountain"),
    ("زباله", "سطل‌های زباله پر است"),
]
MISSPELT = ("شهرند محله", "گزرش", "chaala", "potole")  # every post says "گزارش یک شهروند از محله"
QUERIES = ("چاله خیابان", "نیمکت شکسته", "اطلاعرسانی", "چراغ", "pothole", "street light", "broken bench", "۱۲", "درخت")


def documents() -> list[dict]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    found = []
    for number in range(3 * len(TEXTS)):
        title, body = TEXTS[number % len(TEXTS)]
        found.append(
            post_document(
                id=str(number + 1),
                title=f"{title} {number}" if number % 4 else title,
                body=body,
                status="published" if number % 5 else "pending",
                is_public=bool(number % 5),
                category=str(number % 3 + 1),
                author=str(number % 7 + 1),
                lat=36.29 + number * 0.001 if number % 2 else None,
                lon=59.6 + number * 0.001 if number % 2 else None,
                created=start + timedelta(hours=7 * number),
                support=number % 4,
            )
        )
    return found


def segment_files(tmp_path, writer_class) -> dict[str, bytes]:
    folder = tmp_path / writer_class.__name__
    folder.mkdir()
    ix = index.create_in(str(folder), post_schema())
    writer = writer_class(ix, codec=LengthsCodec(), compound=False)
    for document in documents():
        writer.add_document(**document)
    segment = writer._finalize_segment()
    writer._commit_toc([segment])
    writer._finish()
    name = segment.segment_id()
    return {file.replace(name, "SEGMENT"): (folder / file).read_bytes() for file in os.listdir(folder) if name in file}


def test_the_bulk_writer_writes_the_segment_whooshs_writer_writes_byte_for_byte(tmp_path):
    ours, whooshs = segment_files(tmp_path, BulkSegmentWriter), segment_files(tmp_path, SegmentWriter)
    assert sorted(ours) == sorted(whooshs)
    assert {".pst", ".trm", "._stored.col", "._text_len.col"} <= {name.removeprefix("SEGMENT") for name in ours}
    for name in whooshs:
        assert ours[name] == whooshs[name], name


def test_the_bulk_writer_refuses_boosts_it_would_not_write(tmp_path):
    writer = BulkSegmentWriter(index.create_in(str(tmp_path), post_schema()))
    with pytest.raises(NotImplementedError, match="boost"):
        writer.add_document(id="1", title="boosted", _title_boost=2.0)
    writer.cancel()


def answers(now: datetime) -> dict:
    """Every query's matches with their scores (words, n-grams), similar posts with theirs, spelling,
    and every term's statistics: what residents can find, and how it ranks."""
    found: dict = {}
    with index_store().searcher() as searcher:
        reader = searcher.reader()
        assert not reader.has_deletions()  # otherwise term statistics differ for that reason alone
        found["terms"] = {
            (fieldname, text): (reader.doc_frequency(fieldname, text), reader.frequency(fieldname, text))
            for fieldname, text in reader.all_terms()
        }
        found["lengths"] = {name: reader.field_length(name) for name in ("title", "text", "grams")}
        for text in QUERIES:
            groups = queries.query_groups(text, queries._splitter(searcher, None))
            words = searcher.search(queries._all_words(groups, []), limit=None)
            grams = searcher.search(Or([Term("grams", g) for g in text_ngrams(analyze(text))]), limit=None)
            similar = find_similar(searcher, QueryPost(title=text, lat=36.3, lon=59.61, now=now))
            found[text] = (
                {hit["id"]: hit.score for hit in words},
                {hit["id"]: hit.score for hit in grams},
                [(post.id, post.score) for post in similar],
            )
        found["spelling"] = [spelling.suggest(searcher, text) for text in MISSPELT]
    return found


def posts_found(answers: dict) -> dict:
    """The posts each query finds, without scores or order."""
    return {text: [set(answers[text][0]), set(answers[text][1]), {i for i, _ in answers[text][2]}] for text in QUERIES}


def fresh_generation():
    store = index_store()
    with store.writer_lock(wait=True):
        name, ix = store.new_generation()
        store.publish(name)
    return store, ix


def kept_in_step(post_ids: list[int]) -> None:
    """A fresh index written post by post through the queue, one index commit each, as the app keeps it."""
    store, _ix = fresh_generation()
    for post_id in post_ids:
        with write_intent():
            enqueue(db.session(), {post_id})
            db.session.commit()
        drain(store)


def added_one_by_one(post_ids: list[int]) -> None:
    """A fresh index written by Whoosh's own writer one post a commit, each its own segment: merging
    segments keeps every document's field length only to a byte's precision (whoosh.util.numeric),
    so after a merge the statistics that scores use (average lengths) drift from the exact ones."""
    store, ix = fresh_generation()
    with store.writer_lock(wait=True), Session(db.engine) as session:
        for row in post_rows(session, post_ids):
            writer = store.open_writer(ix)
            writer.add_document(**document_for(row))
            writer.commit(merge=False)


def test_a_rebuild_serial_or_parallel_finds_the_same_posts_with_the_same_scores_as_an_index_written_post_by_post(
    app, make
):
    posts = [
        make.post(
            PostStatus.PUBLISHED if n % 5 else PostStatus.PENDING,
            title=f"{title} {n}",
            body=f"{body} — گزارش یک شهروند از محله",
        )
        for n, (title, body) in enumerate(TEXTS * 2)
    ]
    post_ids = [post.id for post in posts]
    now = datetime.now(UTC) + timedelta(hours=1)  # for similar posts: every post written before it
    kept_in_step(post_ids)
    with index_store().searcher() as searcher:
        assert len(searcher.leaf_searchers()) > 1  # several commits, merged now and then
    as_kept = answers(now)
    added_one_by_one(post_ids)
    with index_store().searcher() as searcher:
        assert len(searcher.leaf_searchers()) == len(posts)
    before = answers(now)
    assert all(before[text][0] for text in QUERIES)  # nothing compared is empty
    assert sum(1 for text in QUERIES if before[text][2]) >= len(QUERIES) - 2
    assert before["spelling"][:2] == ["شهروند محله", "گزارش"]
    assert posts_found(before) == posts_found(as_kept) and before["spelling"] == as_kept["spelling"]

    app.config.update(SEARCH_REBUILD_PROCESSES=1)
    assert search_backend().rebuild() == len(posts)
    assert answers(now) == before

    app.config.update(SEARCH_REBUILD_PROCESSES=2, SEARCH_REBUILD_PARALLEL_FROM=0)
    assert search_backend().rebuild() == len(posts)
    with index_store().searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2
    assert answers(now) == before

    # A big city in segments of at most N posts (memory per writing process is bounded), in one
    # process and in two: the same posts, the same scores, segments in post-id order.
    for processes in (1, 2):
        app.config.update(SEARCH_REBUILD_PROCESSES=processes, SEARCH_REBUILD_SEGMENT_POSTS=3)
        assert search_backend().rebuild() == len(posts)
        with index_store().searcher() as searcher:
            assert len(searcher.leaf_searchers()) == -(-len(posts) // 3)
            assert [int(fields["id"]) for fields in searcher.all_stored_fields()] == sorted(post_ids)
        assert answers(now) == before
