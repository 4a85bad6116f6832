"""What the shared ranking code asks of an index, answered by PostgreSQL.

app.search.similarity (similar posts) and app.search.spelling ("did you mean") were written against a
Whoosh searcher. PgSearcher answers the same questions from post_search and search_term, so both
backends run the very same ranking: document frequencies and idf (from search_term), the postings of a
flat OR summed per post (clause_sums, one query), stored fields (the post's row and its analysed words),
visible counts of a word, and the known words a letter or two from a typed one (pg_trgm).

A "document number" here is the post id. Visibility is the viewer's (a SQL condition on post),
decided once per searcher: words that only unseen posts hold count for nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import Float, Text, and_, bindparam, cast, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import Session

from app.posts.models import PUBLIC_STATUSES, Post
from app.search.documents import is_public
from app.search.pg.tables import post_search, search_term
from app.search.pg.terms import COUNT, FIELDS, quoted, usable
from app.search.similarity import _epoch
from app.search.spelling import edit_distance

COLUMN = {"text": "terms", "grams": "grams", "spell_text": "spell"}
TRIGRAM_LIMIT = 0.2  # pg_trgm similarity below which a word is not a candidate (then checked by edits)


def visible_clause(viewer):
    """The posts this viewer may find, as a condition on Post (None: every post), as hidden_from says."""
    from app.accounts.models import Role
    from app.accounts.permissions import can_moderate, is_signed_in, is_staff_of

    if can_moderate(viewer):
        return None
    public = and_(Post.status.in_(PUBLIC_STATUSES), Post.is_hidden.is_(False))
    if not is_signed_in(viewer):
        return public
    allowed = [public, Post.author_id == viewer.id]
    if viewer.role is Role.STAFF and is_staff_of(viewer, viewer.department_id):
        allowed.append(Post.department_id == viewer.department_id)
    return or_(*allowed)


_SUMS = (
    "SELECT s.post_id, sum(c.w) FROM unnest(CAST(:queries AS tsquery[]), CAST(:weights AS float8[])) AS c(q, w)"
    " CROSS JOIN LATERAL (SELECT post_id FROM post_search WHERE {column} @@ c.q) s GROUP BY s.post_id"
)
# Per post, the summed weight of the terms (each a one-lexeme tsquery) that its column holds: one GIN
# lookup per term, the weights added up by PostgreSQL. Two fixed statements, one per column.
SUMS = {
    fieldname: text(_SUMS.replace("{column}", column)).bindparams(
        bindparam("queries", type_=ARRAY(Text)), bindparam("weights", type_=ARRAY(Float))
    )
    for fieldname, column in (("text", "terms"), ("grams", "grams"))
}


class _Postings:
    """An exhausted postings list: clause_sums replaces walking them here."""

    def is_active(self) -> bool:
        return False


class PgSearcher:
    """A Whoosh searcher's statistics and postings, from PostgreSQL, for one viewer and one request."""

    def __init__(self, session: Session, visible=None) -> None:
        self.session = session
        self.visible = visible
        self._df: dict[tuple[str, str], int] = {}
        self._stored: dict[int, dict] = {}
        self._count: int | None = None

    # ---------------------------------------------------------------------------- statistics

    def doc_count_all(self) -> int:
        if self._count is None:
            self._count = max(0, self._scalar_df(*COUNT))
        return self._count

    def _scalar_df(self, field: str, term: str) -> int:
        query = select(search_term.c.df).where(search_term.c.field == field, search_term.c.term == term)
        return self.session.scalar(query) or 0

    def preload_terms(self, fieldname: str, terms: Iterable[str]) -> None:
        """Read the counts of many terms in one query (the ranking asks for hundreds)."""
        field = FIELDS[fieldname]
        wanted = sorted({t for t in terms if (field, t) not in self._df})
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            query = select(search_term.c.term, search_term.c.df).where(
                search_term.c.field == field, search_term.c.term.in_(chunk)
            )
            found = dict(self.session.execute(query).all())
            for term in chunk:
                self._df[(field, term)] = max(0, found.get(term, 0))

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (FIELDS[fieldname], term)
        if key not in self._df:
            self.preload_terms(fieldname, [term])
        return self._df[key]

    def idf(self, fieldname: str, term: str) -> float:
        """Whoosh's idf: log(N / (df + 1)) + 1."""
        return math.log(self.doc_count_all() / (self.doc_frequency(fieldname, term) + 1)) + 1.0

    def postings(self, _fieldname: str, _term: str) -> _Postings:
        return _Postings()

    # ------------------------------------------------------------------------------ postings

    def clause_sums(self, clauses: list[tuple[str, str, float]]) -> tuple[dict[int, float], dict[int, float]]:
        """Per post, the summed weight of the word and n-gram clauses it matches, and of the place cells."""
        text_sums: dict[int, float] = {}
        for fieldname in ("text", "grams"):
            chosen = [(t, w) for f, t, w in clauses if f == fieldname and usable(t) and self.doc_frequency(f, t)]
            if not chosen:
                continue
            query = SUMS[fieldname]
            rows = self.session.execute(
                query, {"queries": [quoted(t) for t, _ in chosen], "weights": [float(w) for _, w in chosen]}
            )
            for post_id, weight in rows:
                text_sums[post_id] = text_sums.get(post_id, 0.0) + float(weight)
        cells = {t: w for f, t, w in clauses if f == "cell"}
        place: dict[int, float] = {}
        if cells:
            rows = self.session.execute(
                select(post_search.c.post_id, post_search.c.cell).where(post_search.c.cell.in_(sorted(cells)))
            )
            for post_id, cell in rows:
                place[post_id] = place.get(post_id, 0.0) + cells[cell]
        return text_sums, place

    # -------------------------------------------------------------------------------- stored

    def prefetch(self, post_ids: Iterable[int]) -> None:
        """The stored fields of these posts (their row, and their analysed words), in one query."""
        wanted = sorted({int(i) for i in post_ids} - self._stored.keys())
        if not wanted:
            return
        query = (
            select(
                Post.id,
                Post.title,
                Post.status,
                Post.is_hidden,
                Post.category_id,
                Post.latitude,
                Post.longitude,
                Post.created_at,
                post_search.c.words,
            )
            .join(post_search, post_search.c.post_id == Post.id)
            .where(Post.id.in_(wanted))
        )
        for row in self.session.execute(query):
            doc = {
                "id": str(row.id),
                "title": row.title,
                "status": row.status.value,
                "is_public": is_public(row.status, row.is_hidden),
                "terms": row.words,
                "created": _epoch(row.created_at),
            }
            if row.category_id is not None:
                doc["category"] = str(row.category_id)
            if row.latitude is not None and row.longitude is not None:
                doc.update(lat=row.latitude, lon=row.longitude)
            self._stored[row.id] = doc

    def stored_fields(self, docnum: int) -> dict:
        if docnum not in self._stored:
            self.prefetch([docnum])
        return self._stored[docnum]

    def document_number(self, *, id: str) -> int | None:
        post_id = int(id)
        if post_id not in self._stored:
            self.prefetch([post_id])
        return post_id if post_id in self._stored else None

    # ------------------------------------------------------------------------------ spelling

    def visible_count(self, word: str, *, cap: int, fieldname: str) -> int:
        """In how many posts the viewer may find `word` appears (counted up to `cap`)."""
        if not usable(word) or not self.doc_frequency(fieldname, word):
            return 0
        column = post_search.c[COLUMN[fieldname]]
        inner = select(post_search.c.post_id).where(column.op("@@")(cast(quoted(word), TSQUERY)))
        if self.visible is not None:
            inner = inner.join(Post, Post.id == post_search.c.post_id).where(self.visible)
        return self.session.scalar(select(func.count()).select_from(inner.limit(cap).subquery())) or 0

    def terms_within(self, word: str, maxdist: int) -> list[str]:
        """Known unstemmed words within `maxdist` edits of `word`, with its first letter (pg_trgm finds them)."""
        if not usable(word):
            return []
        self.session.execute(
            text("SELECT set_config('pg_trgm.similarity_threshold', :limit, true)"), {"limit": str(TRIGRAM_LIMIT)}
        )
        query = select(search_term.c.term, search_term.c.df).where(
            search_term.c.field == "s",
            search_term.c.term.op("%")(word),
            func.left(search_term.c.term, 1) == word[:1],
            search_term.c.df > 0,
        )
        found = []
        for term, df in self.session.execute(query):
            self._df[("s", term)] = df
            if abs(len(term) - len(word)) <= maxdist and edit_distance(word, term) <= maxdist:
                found.append(term)
        return sorted(found)
