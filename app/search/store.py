"""Where the index lives: generation folders swapped atomically, one writer at a time, warm searchers.

SEARCH_INDEX_DIR holds `CURRENT` (the name of the live generation), the generation folders, and
`writer.lock`. Only the holder of writer.lock (an flock, so it dies with its process) writes to the
index: the drain of the queue, `flask search rebuild`. A rebuild writes a new generation beside the
live one and then replaces CURRENT in one rename, so searches never see a half-built index. Every
process keeps a few searchers per generation and refreshes them when another process has committed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app
from whoosh import index
from whoosh.index import FileIndex
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock

from app.search.similarity import post_schema

CURRENT = "CURRENT"
LOCK = "writer.lock"
GENERATION_PREFIX = "gen-"
IDLE_SEARCHERS = 8  # kept open per process: as many as threads searching at once
MEMO_SIZE = 4096  # answers remembered per process (a few hundred bytes each)
T = TypeVar("T")


class IndexBusyError(Exception):
    """Another process (or thread) holds the index writer lock."""


class IndexDamagedError(Exception):
    """The live generation cannot be opened (its table of contents garbled, its folder emptied)."""


MISSING, DAMAGED, OUTDATED, HEALTHY = "missing", "damaged", "outdated", "healthy"


class IndexStore:
    """One index folder as seen by this process."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self._thread_lock = threading.Lock()  # flock is per open file; threads of one process queue here too
        self._pool_lock = threading.Lock()
        self._index: FileIndex | None = None
        self._index_name: str | None = None
        self._idle: list[Searcher] = []
        self._memo: OrderedDict[tuple, object] = OrderedDict()
        self._memo_lock = threading.Lock()

    # ------------------------------------------------------------------------------ generations

    def current_name(self) -> str | None:
        """The live generation's folder name, or None before the first build."""
        try:
            name = (self.root / CURRENT).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return name if name and (self.root / name).is_dir() else None

    def exists(self) -> bool:
        return self.current_name() is not None

    def open_index(self) -> FileIndex | None:
        """The live generation (opened once per process, reopened after a swap), or None.

        Raises IndexDamagedError when the generation cannot be opened.
        """
        name = self.current_name()
        if name is None:
            return None
        with self._pool_lock:
            if name != self._index_name:
                self._index, self._index_name = _open_dir(self.root / name), name
            return self._index

    def health(self) -> str:
        """MISSING, DAMAGED, OUTDATED or HEALTHY, read afresh from disk (not from this process's open index).

        OUTDATED: built by an older analyzer (app.search.compounds.ANALYSIS_VERSION), so its terms are not
        those queries ask for now; `flask worker` and `flask search rebuild --if-missing` rebuild it.
        """
        name = self.current_name()
        if name is None:
            return MISSING
        try:
            ix = _open_dir(self.root / name)
            ix.reader().close()  # every segment's files, not only the contents
        except Exception:
            return DAMAGED
        return HEALTHY if post_schema()["text"].analyzer == ix.schema["text"].analyzer else OUTDATED

    def new_generation(self) -> tuple[str, FileIndex]:
        """An empty index in a fresh folder, not yet live (call under the writer lock)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        folder = self.root / name
        folder.mkdir()
        try:
            return name, index.create_in(str(folder), post_schema())
        except BaseException:  # a full disk: leave no folder for `flask worker` to add to every round
            self.discard(name)
            raise

    def publish(self, name: str) -> None:
        """Make a generation live in one atomic rename; keep the one before it for readers still on it."""
        previous = self.current_name()
        staging = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        staging.write_text(name + "\n", encoding="ascii")
        os.replace(staging, self.root / CURRENT)
        for folder in self.root.glob(f"{GENERATION_PREFIX}*"):
            if folder.name not in (name, previous):
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self, name: str) -> None:
        """Remove a generation that was never published (a rebuild that failed half-way; call under
        the writer lock)."""
        if name.startswith(GENERATION_PREFIX) and name != self.current_name():
            shutil.rmtree(self.root / name, ignore_errors=True)

    def version(self) -> tuple[str, int] | None:
        """(generation, commit number) of the live index: changes whenever any process writes.

        Never raises: every cached page's key holds it, and no page may fail because of the index
        (a damaged index has the version ("damaged", …), and pages show no similar posts meanwhile).
        """
        try:
            ix = self.open_index()
            return None if ix is None else (self._index_name or "", ix.latest_generation())
        except Exception:
            return (DAMAGED, self.current_name() or "")

    def memoized(self, key: Hashable, compute: Callable[[], T], *, stamp: Hashable | None = None) -> T:
        """compute() once per version of the index for this key, then from memory (a per-process LRU).

        Exact: any write to the index, by any process, changes the version, so an answer is never
        served from an older index than the one this process would search now. With a `stamp`
        (app.core.cache.clock()), once per stamp instead, whatever the index's writes meanwhile.
        """
        if stamp is not None:
            full_key: tuple = (("stamp", stamp), key)
        else:
            version = self.version()
            if version is None or version[0] == DAMAGED:
                return compute()
            full_key = (version, key)
        with self._memo_lock:
            if full_key in self._memo:
                self._memo.move_to_end(full_key)
                return self._memo[full_key]  # type: ignore[return-value]
        value = compute()
        with self._memo_lock:
            self._memo[full_key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    # ------------------------------------------------------------------------------------ writer

    @contextlib.contextmanager
    def writer_lock(self, *, wait: bool = False) -> Iterator[None]:
        """Hold the writer lock; raises IndexBusyError at once unless asked to wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self._thread_lock.acquire(blocking=wait):
            raise IndexBusyError
        try:
            lock = FileLock(str(self.root / LOCK))
            if not lock.acquire(blocking=wait):
                raise IndexBusyError
            try:
                yield
            finally:
                lock.release()
        finally:
            self._thread_lock.release()

    def open_writer(self, ix: FileIndex):
        """ix.writer() (call under the writer lock), raising IndexDamagedError if the folder was damaged."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # as in _open_dir
            try:
                return ix.writer()
            except Exception as error:
                failure = IndexDamagedError(f"{self.root / (self._index_name or '')}: {error!r}")
        raise failure

    # --------------------------------------------------------------------------------- searchers

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher | None]:
        """A searcher on the latest committed index (None when there is no index yet)."""
        searcher = self._acquire()
        try:
            yield searcher
        finally:
            if searcher is not None:
                self._release(searcher)

    def _acquire(self) -> Searcher | None:
        ix = self.open_index()
        if ix is None:
            return None
        with self._pool_lock:
            searcher = self._idle.pop() if self._idle else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # as in _open_dir
            try:
                # A rebuild went live, or some process committed: open anew. (Searcher.refresh() fails in
                # whoosh-reloaded 2.7.5 when the old reader had no segments; opening costs about a millisecond.)
                if searcher is not None and (searcher._ix is not ix or not searcher.up_to_date()):
                    searcher.close()
                    searcher = None
                return searcher or ix.searcher()
            except Exception as error:  # the folder was emptied or garbled under this process
                failure = IndexDamagedError(f"{self.root / (self._index_name or '')}: {error!r}")
        raise failure

    def _release(self, searcher: Searcher) -> None:
        with self._pool_lock:
            if searcher._ix is self._index and len(self._idle) < IDLE_SEARCHERS:
                self._idle.append(searcher)
                return
        searcher.close()

    def close(self) -> None:
        """Close every idle searcher and forget what was memoized (at shutdown, and between tests:
        a memo under a clock stamp would otherwise outlive the index it was computed from)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
            self._index = self._index_name = None
        with self._memo_lock:
            self._memo.clear()
        for searcher in idle:
            searcher.close()


OPEN_ATTEMPTS = 10  # as whoosh's own reader() retries


def _open_dir(folder: Path) -> FileIndex:
    """index.open_dir, raising IndexDamagedError for any failure to read the folder.

    A table of contents can vanish between the listing that names it the latest and its opening:
    another process committed meanwhile, and every commit deletes the older ones. That is no damage:
    the listing is read again (whoosh's reader() does the same when a segment vanishes).
    """
    with warnings.catch_warnings():
        # whoosh leaves the file it failed to read open: it is closed (and would warn) right here
        warnings.simplefilter("ignore", ResourceWarning)
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            try:
                return index.open_dir(str(folder))
            except Exception as error:  # whoosh raises many kinds for a damaged folder
                failure = IndexDamagedError(f"{folder}: {error!r}")
                if not isinstance(error, FileNotFoundError) or attempt == OPEN_ATTEMPTS:
                    break
            time.sleep(0.01 * attempt)
    raise failure


def init_store(app: Flask) -> IndexStore:
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    app.extensions["search_store"] = store
    return store


def index_store() -> IndexStore:
    """The current app's index."""
    return current_app.extensions["search_store"]
