"""A post's terms for PostgreSQL, written in the post's own transaction (no queue, nothing to drain).

The terms are made by the same analyzer as the Whoosh index (app.search.analysis.analyze: PostgreSQL
has no Persian stemmer) and handed to PostgreSQL as tsvector values in their input form, so that
PostgreSQL stores exactly our words: no parser, no dictionary, no locale of its own decides them
(the `simple` configuration would re-split words at underscores and lower-case them again).

app.search.sync collects the posts a transaction changed; just before the commit, write_posts()
reads those posts as the transaction sees them, rewrites the rows whose text changed, deletes the rows
of posts that are gone, and adds the change to every term's count in one statement whose rows are
sorted, so that two transactions take the counts' row locks in the same order (no deadlock).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Text, bindparam, cast, delete, func, select
from sqlalchemy.dialects.postgresql import TSVECTOR, insert
from sqlalchemy.engine import Connection

from app.posts.models import Post
from app.search.analysis import analyze, text_ngrams
from app.search.compounds import index_terms
from app.search.pg.tables import post_search, search_term
from app.search.similarity import _epoch, place_week_cell
from app.search.spelling import typed_words

MAX_TERM_BYTES = 500  # longer "words" (a pasted code) are left out of vectors and queries alike
MAX_POSITION = 16383  # PostgreSQL keeps positions up to this
COUNT = ("#", "")  # the row of search_term that counts the posts
FIELDS = {"text": "t", "grams": "g", "spell_text": "s"}
COLUMNS = (Post.id, Post.title, Post.body, Post.latitude, Post.longitude, Post.created_at)


@dataclass(frozen=True)
class Document:
    """What post_search holds of one post."""

    post_id: int
    words: list[str]  # analysed, in order (title first)
    title_words: int  # how many of them are the title's
    spell: list[str]  # unstemmed words, once each
    cell: str | None
    version: str
    joined: list[str] = ()  # the joined forms of compounds written apart or with a ZWNJ (matched only)

    def row(self) -> dict:
        return {
            "post_id": self.post_id,
            # The joined forms of compounds are matched (as Whoosh's text field holds them), without
            # positions and outside the counts: the ranking reads the words, as Whoosh's does.
            "terms": " ".join(filter(None, (vector(self.words, weighted=self.title_words), vector(self.joined)))),
            "grams": vector(sorted(set(text_ngrams(self.words)))),
            "spell": vector(self.spell),
            "words": " ".join(self.words),
            "cell": self.cell,
            "version": self.version,
        }

    def term_set(self) -> set[tuple[str, str]]:
        return term_set(self.words, self.spell)


def usable(term: str) -> bool:
    return len(term.encode()) <= MAX_TERM_BYTES


def term_set(words: Iterable[str], spell: Iterable[str]) -> set[tuple[str, str]]:
    """(field, term) of everything a post holds, as counted in search_term."""
    words = [w for w in words if usable(w)]
    found = {("t", w) for w in words} | {("g", g) for g in text_ngrams(words)}
    return found | {("s", w) for w in spell if usable(w)}


def text_version(row) -> str:
    """A fingerprint of what the row is made of: differs when the post's text, place or time changed."""
    parts = (row.title, row.body, row.latitude, row.longitude, row.created_at.isoformat(timespec="seconds"))
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def document_of(row) -> Document:
    """The terms of a post (a Post or a row of COLUMNS), made as the Whoosh index makes them."""
    body = row.body if row.body and row.body != row.title else ""
    whole = f"{row.title}\n{body}" if body else row.title
    words = analyze(whole)
    joined = sorted(set(index_terms(whole)) - set(words))  # compounds.IndexAnalyzer's joined forms
    cell = None
    if row.latitude is not None and row.longitude is not None and row.created_at is not None:
        cell = place_week_cell(row.latitude, row.longitude, _epoch(row.created_at))
    return Document(
        post_id=row.id,
        words=words,
        title_words=len(analyze(row.title)),
        joined=joined,
        spell=typed_words(whole),
        cell=cell,
        version=text_version(row),
    )


def quoted(term: str) -> str:
    """One lexeme in tsvector/tsquery input form."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def vector(terms: list[str], *, weighted: int = 0) -> str:
    """tsvector input: each term with its positions (1-based), the first `weighted` ones marked 'A'.

    Without `weighted`, terms are listed once and without positions (n-grams, spelling words).
    """
    if not weighted and terms is not None:
        return " ".join(quoted(t) for t in dict.fromkeys(terms) if usable(t))
    positions: dict[str, list[str]] = defaultdict(list)
    for number, term in enumerate(terms[:MAX_POSITION], 1):
        if usable(term) and len(positions[term]) < 256:  # PostgreSQL keeps 256 positions a lexeme
            positions[term].append(f"{number}A" if number <= weighted else str(number))
    return " ".join(f"{quoted(term)}:{','.join(places)}" for term, places in positions.items())


def all_of(terms: Iterable[str]) -> str | None:
    """tsquery input matching posts with every term (None when no term is usable)."""
    kept = [quoted(t) for t in dict.fromkeys(terms) if usable(t)]
    return " & ".join(kept) or None


def any_of(terms: Iterable[str]) -> str | None:
    kept = [quoted(t) for t in dict.fromkeys(terms) if usable(t)]
    return "(" + " | ".join(kept) + ")" if kept else None


# -------------------------------------------------------------------------------------- writing


def write_posts(connection: Connection, post_ids: Iterable[int]) -> list[int]:
    """Bring the rows of these posts in line with the posts as this transaction sees them.

    Returns the posts whose row was written or deleted (those whose text is unchanged are skipped).
    """
    ids = sorted(set(post_ids))
    if not ids:
        return []
    posts = {row.id: row for row in connection.execute(select(*COLUMNS).where(Post.id.in_(ids)))}
    old = {
        row.post_id: row
        for row in connection.execute(
            select(post_search.c.post_id, post_search.c.version, post_search.c.words, _spell_array()).where(
                post_search.c.post_id.in_(ids)
            )
        )
    }
    counts: Counter[tuple[str, str]] = Counter()
    written, gone = [], []
    for post_id in ids:
        before, row = old.get(post_id), posts.get(post_id)
        if row is not None and before is not None and before.version == text_version(row):
            continue
        if before is not None:
            counts.subtract(dict.fromkeys(term_set(before.words.split(), before.spell or ()), 1))
            counts[COUNT] -= 1
        if row is None:
            if before is not None:
                gone.append(post_id)
            continue
        document = document_of(row)
        written.append(document.row())
        counts.update(document.term_set())
        counts[COUNT] += 1
    if written:
        statement = insert(post_search).values(vector_values())
        excluded = statement.excluded
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[post_search.c.post_id],
                set_={name: excluded[name] for name in ("terms", "grams", "spell", "words", "cell", "version")},
            ),
            written,
        )
    if gone:
        connection.execute(delete(post_search).where(post_search.c.post_id.in_(gone)))
    add_counts(connection, counts)
    return [row["post_id"] for row in written] + gone


def _spell_array():
    return func.tsvector_to_array(post_search.c.spell).label("spell")


def vector_values() -> dict:
    """The row's values as parameters, the three vectors cast from their input form."""
    as_vector = {name: cast(bindparam(name, type_=Text), TSVECTOR) for name in ("terms", "grams", "spell")}
    return {
        name: as_vector.get(name, bindparam(name))
        for name in ("post_id", "terms", "grams", "spell", "words", "cell", "version")
    }


def add_counts(connection: Connection, counts: Counter[tuple[str, str]]) -> None:
    """Add these changes to the terms' counts, in (field, term) order: every writer locks in one order."""
    rows = [{"field": f, "term": t, "df": n} for (f, t), n in sorted(counts.items()) if n]
    if not rows:
        return
    statement = insert(search_term)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[search_term.c.field, search_term.c.term],
            set_={"df": search_term.c.df + statement.excluded.df},
        ),
        rows,
    )
