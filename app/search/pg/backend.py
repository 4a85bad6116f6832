"""Search on PostgreSQL: the posts' own table is the index, our analyzer's terms beside it.

Matching is a tsvector query on post_search (GIN), joined to post for every filter, order and the
viewer's visibility, so the database that holds the truth answers: no hit waits for an index to catch
up. The ranking code shared with Whoosh (similar posts, "did you mean", the approximate fallback)
reads PostgreSQL through PgSearcher. See docs/decisions/0031-postgres-search.md.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import cast, func, inspect, literal, select, text, update
from sqlalchemy.dialects.postgresql import TSQUERY, insert
from sqlalchemy.orm import Session

from app.core.cache import SiteGeneration
from app.extensions import db
from app.posts.models import Post
from app.search import spelling
from app.search.analysis import analyze
from app.search.pg.searcher import PgSearcher, visible_clause
from app.search.pg.tables import post_search, search_term
from app.search.pg.terms import (
    COLUMNS,
    COUNT,
    add_counts,
    all_of,
    any_of,
    document_of,
    text_version,
    vector_values,
    write_posts,
)
from app.search.store import HEALTHY, MISSING

log = logging.getLogger(__name__)
BATCH = 500  # posts written per statement by a rebuild
REBUILD_LOCK = 0x5EA4C8  # pg_advisory_xact_lock key: one rebuild at a time


class PostgresBackend:
    name = "postgres"
    writes_in_transaction = True

    def version(self):
        return None  # written in the post's transaction: the content generation already follows it

    def memoized(self, _key, compute, *, stamp=None):
        return compute()  # nothing to remember: the database answers, and no version says when it changed

    @contextlib.contextmanager
    def searcher(self):
        yield PgSearcher(db.session)

    # --------------------------------------------------------------------------------- search

    def search(self, request, viewer, results):
        from app.search.queries import WORDS_MAX, SearchSort, _splitter, _terms_of, query_groups

        searcher = PgSearcher(db.session, visible_clause(viewer))
        filters = _filters(request)
        # The viewer's posts only: this searcher counts words within what the viewer may see.
        groups = query_groups(request.text, _splitter(searcher, None))
        words = _terms_of(groups)
        if not groups:  # filters only (or only stopwords typed: then nothing)
            if request.text.strip() or not filters:
                return [], frozenset()
            ids, results.total = _page(searcher, None, filters, request, SearchSort.NEWEST)
            return ids, frozenset()
        ids, total = _page(searcher, _all_groups(groups), filters, request)
        if total:  # found as typed: no "did you mean", however rare the words
            results.total = total
            return ids, words
        suggestion = spelling.suggest(searcher, request.text)
        corrected = query_groups(suggestion) if suggestion else []
        if corrected:
            ids, total = _page(searcher, _all_groups(corrected), filters, request)
            if total:
                results.total, results.corrected = total, suggestion
                return ids, _terms_of(corrected)
        results.approximate = True  # a correction that finds nothing either is not offered
        parts, used = [], set()
        for word in spelling.typed_words(request.text)[:WORDS_MAX]:
            variants = (word, *spelling.neighbours(searcher, word))
            stems = {stem for variant in variants for stem in analyze(variant)}
            known = sorted(s for s in stems if spelling.visible_count(searcher, s, cap=1, fieldname="text"))
            if known:
                parts.append(any_of(known))
                used.update(known)
        query = " & ".join(p for p in parts if p) or None
        ids, results.total = _page(searcher, query, filters, request) if query else ([], 0)
        return ids, words | frozenset(used)

    def matching_ids(self, words, department_id, limit):
        query_text = all_of(words)
        if query_text is None:
            return []
        tsquery = _tsquery(query_text)
        statement = (
            select(Post.id)
            .join(post_search, post_search.c.post_id == Post.id)
            .where(post_search.c.terms.op("@@")(tsquery))
            .order_by(func.ts_rank(post_search.c.terms, tsquery).desc(), Post.id)
            .limit(limit)
        )
        if department_id is not None:
            statement = statement.where(Post.department_id == department_id)
        return list(db.session.scalars(statement))

    # ---------------------------------------------------------------------------- maintenance

    def health(self) -> str:
        if not inspect(db.engine).has_table(post_search.name):
            return MISSING
        with Session(db.engine) as session:
            indexed = session.scalar(select(post_search.c.post_id).limit(1))
            posts = session.scalar(select(Post.id).limit(1))
        return MISSING if indexed is None and posts is not None else HEALTHY

    def rebuild(self, progress=None, *, unless_healthy=False):
        """Every post's terms and the terms' counts afresh, in one transaction: searches see the old
        rows until it commits, and a second rebuild waits for the first."""
        with Session(db.engine) as session, session.begin():
            connection = session.connection()
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REBUILD_LOCK})
            if unless_healthy and self.health() == HEALTHY:
                return None
            connection.execute(post_search.delete())
            connection.execute(search_term.delete())
            counts: Counter = Counter()
            count, rows = 0, []
            for row in connection.execute(select(*COLUMNS).order_by(Post.id)):
                document = document_of(row)
                rows.append(document.row())
                counts.update(document.term_set())
                if len(rows) == BATCH:
                    count += _insert(connection, rows, progress)
                    rows = []
            count += _insert(connection, rows, progress)
            counts[COUNT] = count
            add_counts(connection, counts)
            _pages_changed(connection)
        return count

    def check(self):
        from app.search.maintenance import CheckReport

        if not inspect(db.engine).has_table(post_search.name):
            return CheckReport(missing=list(db.session.scalars(select(Post.id))), has_index=False)
        with Session(db.engine) as session:
            indexed = dict(session.execute(select(post_search.c.post_id, post_search.c.version)).all())
            report = CheckReport(indexed=len(indexed))
            for row in session.execute(select(*COLUMNS).order_by(Post.id).execution_options(yield_per=BATCH)):
                version = indexed.pop(row.id, None)
                if version is None:
                    report.missing.append(row.id)
                elif version != text_version(row):
                    report.stale.append(row.id)
        report.extra = sorted(indexed)
        return report

    def fix(self, report) -> int:
        with Session(db.engine) as session, session.begin():
            connection = session.connection()
            # a stale row is rewritten: forget its fingerprint so that write_posts does not skip it
            stale = sorted(report.stale)
            if stale:
                connection.execute(post_search.update().where(post_search.c.post_id.in_(stale)).values(version=""))
            _pages_changed(connection)
            return len(write_posts(connection, report.to_fix))

    def drain(self) -> int:
        return 0  # nothing is queued: the terms are written in the post's own transaction

    def repair(self):
        """Build the terms when posts have none (a site switched from Whoosh, or restored without them)."""
        if self.health() == HEALTHY:
            return None
        log.warning("The posts' search terms are missing: building them from the posts")
        return self.rebuild(unless_healthy=True)

    def close(self) -> None:
        pass


def _pages_changed(connection) -> None:
    """A new content generation: cached pages (search results, similar posts) were made without these rows."""
    connection.execute(update(SiteGeneration).where(SiteGeneration.id == 1).values(value=SiteGeneration.value + 1))


def _insert(connection, rows: list[dict], progress) -> int:
    if not rows:
        return 0
    connection.execute(insert(post_search).values(vector_values()), rows)
    if progress is not None:
        progress(len(rows))
    return len(rows)


def _all_groups(groups: list[tuple[str, ...]]) -> str | None:
    """tsquery input: every group matched by one of its terms (a word, or its joined forms)."""
    parts = [part for part in (any_of(group) for group in groups) if part]
    return " & ".join(parts) or None


def _tsquery(query_text: str):
    """Our terms as a tsquery, cast from its input form: no text search configuration parses them."""
    return cast(literal(query_text), TSQUERY)


def _filters(request) -> list:
    found = []
    for column, value in (
        (Post.kind, request.kind),
        (Post.status, request.status),
        (Post.category_id, request.category_id),
        (Post.department_id, request.department_id),
    ):
        if value is not None:
            found.append(column == value)
    if request.date_from is not None:
        found.append(Post.created_at >= _utc_midnight(request.date_from))
    if request.date_to is not None:
        found.append(Post.created_at < _utc_midnight(request.date_to + timedelta(days=1)))
    return found


def _utc_midnight(day) -> datetime:
    """Midnight of the day in the city's time zone, as the naive UTC the posts' times are stored in."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    moment = datetime.combine(day, time.min, tzinfo=zone)
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _page(searcher: PgSearcher, query_text: str | None, filters: list, request, default=None) -> tuple[list[int], int]:
    """The post ids on the requested page, and how many posts match in all (as the viewer may see)."""
    from app.search.queries import SearchSort

    default = default or SearchSort.RELEVANCE
    sort = request.sort or default
    if sort is SearchSort.RELEVANCE and default is not SearchSort.RELEVANCE:
        sort = default
    statement = select(Post.id).where(*filters)
    tsquery = None
    if query_text is not None:
        tsquery = _tsquery(query_text)
        statement = statement.join(post_search, post_search.c.post_id == Post.id).where(
            post_search.c.terms.op("@@")(tsquery)
        )
    if searcher.visible is not None:
        statement = statement.where(searcher.visible)
    total = searcher.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if not total:
        return [], 0
    if sort is SearchSort.NEWEST:
        order = (Post.created_at.desc(), Post.id.desc())
    elif sort is SearchSort.SUPPORTED:
        order = (Post.support.desc(), Post.created_at.desc(), Post.id.desc())
    else:
        order = (func.ts_rank(post_search.c.terms, tsquery).desc(), Post.id)
    start = (request.page - 1) * request.per_page
    ids = searcher.session.scalars(statement.order_by(*order).offset(start).limit(request.per_page))
    return list(ids), total
