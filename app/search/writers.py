"""Writing a whole generation fast: several processes, one segment each, in post-id order.

A rebuild spends its time in pure Python (analysis, then writing the postings, which
app.search.bulk_writer keeps per term in memory), one core's worth. Split by post id into contiguous
parts, each part is written as its own segment by its own process (this one writes the last part),
and the segments are committed together in id order: document numbers follow post ids as with one
writer, so ties in a ranking fall the same way. Helper processes are started with "spawn" (no
inherited database connections, locks or threads) and read their own posts from the database. See
docs/decisions/0032-whoosh-at-scale.md.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from whoosh import index
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.index import FileIndex

from app.posts.models import Post
from app.search.bulk_writer import BulkSegmentWriter
from app.search.documents import document_for, post_rows


class LengthsCodec(W3Codec):
    """Whoosh's codec, remembering which fields have no length column.

    While writing postings, Whoosh asks a segment for each posting's field length; for fields without
    lengths (ids, filters, dates) it looked for the column's file on disk every time: a `stat` per
    posting, a sixth of a rebuild's CPU. Pickled as a plain W3Codec, so the index on disk never names
    this class.
    """

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)

    def __reduce__(self):
        return (W3Codec, (self._blocklimit, self._compression, self._inlinelimit))


class _PerDocReader(W3PerDocReader):
    def _cached_reader(self, fieldname, column):
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = self._readers[fieldname] = super()._cached_reader(fieldname, column)
            return reader


def write_generation(
    ix: FileIndex,
    session: Session,
    *,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    segment_posts: int | None = None,
) -> int:
    """Index every post into the empty index `ix` (call under the writer lock); returns the posts written.

    A segment's postings live in memory until it is written (about 6 kB a post), so no segment holds
    more than `segment_posts` posts: a big city is written as more parts than processes, each
    process writing its share of them one after the other."""
    column = Post.__table__.c.id
    ids = list(session.scalars(select(column).order_by(column)))
    size = max(1, -(-len(ids) // max(processes, 1)))
    if segment_posts:
        size = min(size, segment_posts)
    parts = [(ids[start], ids[min(start + size, len(ids)) - 1]) for start in range(0, len(ids), size)]
    if len(parts) <= 1:
        writer = BulkSegmentWriter(ix, codec=LengthsCodec())
        try:
            count = _add(writer, post_rows(session), progress)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
        return count
    processes = max(1, min(processes, len(parts)))
    # Part k goes to process k mod `processes`; this process takes the last share, so that it is
    # never idle while helpers work, and writes its own last part with the locked writer.
    mine = [k for k in range(len(parts)) if k % processes == processes - 1]
    theirs = [k for k in range(len(parts)) if k % processes != processes - 1]
    url = session.get_bind().url.render_as_string(hide_password=False)
    folder = str(ix.storage.folder)
    writer = BulkSegmentWriter(ix, codec=LengthsCodec())
    segments: dict[int, object] = {}
    count = 0
    try:
        with _helpers(processes - 1) as pool:
            helpers = {k: pool.submit(_write_part, folder, url, *parts[k]) for k in theirs}
            for k in mine[:-1]:
                part = BulkSegmentWriter(ix, _lk=False, codec=LengthsCodec())
                count += _add(part, _rows_between(session, *parts[k]), progress)
                segments[k] = part._finalize_segment()
            count += _add(writer, _rows_between(session, *parts[mine[-1]]), progress)
            for k, helper in helpers.items():
                segments[k], written = helper.result()
                count += written
                if progress is not None:
                    progress(written)
    except BaseException:
        writer.cancel()
        raise
    # What SegmentWriter.commit does, with every segment listed in post-id order (whoosh's own
    # MpWriter commits its helpers' segments the same way).
    segments[mine[-1]] = writer._finalize_segment()
    writer._commit_toc([segments[k] for k in range(len(parts))])
    writer._finish()
    return count


class _NoHelpers:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, *args):  # with one process no part is a helper's
        raise AssertionError("no helper processes")


def _helpers(count: int):
    if count <= 0:
        return _NoHelpers()
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))


def _add(writer, rows, progress: Callable[[int], None] | None) -> int:
    count = 0
    for row in rows:
        writer.add_document(**document_for(row))
        count += 1
        if progress is not None:
            progress(1)
    return count


def _rows_between(session: Session, first: int, last: int):
    column = Post.__table__.c.id
    return post_rows(session, where=(column >= first, column <= last))


def _write_part(folder: str, url: str, first: int, last: int):
    """In a helper process: the posts first..last (ids) as one finished segment, not yet committed."""
    engine = create_engine(url)
    try:
        ix = index.open_dir(folder)
        writer = BulkSegmentWriter(ix, _lk=False, codec=LengthsCodec())
        with Session(engine) as session:
            count = _add(writer, _rows_between(session, first, last), None)
        return writer._finalize_segment(), count
    finally:
        engine.dispose()
