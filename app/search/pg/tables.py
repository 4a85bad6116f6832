"""The PostgreSQL search backend's tables: one row of analysed terms per post, and the terms' counts.

They exist on PostgreSQL only (the migration i16_pg_search checks the dialect; SQLite is unchanged),
so they live in their own MetaData, not in db.metadata: create_all on SQLite never sees them.

post_search   one row per post: its terms as a tsvector (our analyzer's words, title words weighted
              'A'), its character 3-grams and its unstemmed words (for "did you mean") as tsvectors,
              each with a GIN index; the analysed words as text (what the similar-posts ranking
              reads), the place-and-week cell, and a fingerprint of the text for `flask search check`.
search_term   how many posts hold each term, per field ('t' words, 'g' 3-grams, 's' unstemmed
              words; '#' '' is the number of posts): the idf of the similar-posts ranking, and the
              vocabulary that pg_trgm searches for words close to a misspelt one.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection, Engine

from app.extensions import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

post_search = Table(
    "post_search",
    metadata,
    Column("post_id", Integer, primary_key=True, autoincrement=False),  # no foreign key: see `check`
    Column("terms", TSVECTOR, nullable=False),
    Column("grams", TSVECTOR, nullable=False),
    Column("spell", TSVECTOR, nullable=False),
    Column("words", Text, nullable=False),
    Column("cell", String(40)),
    Column("version", String(16), nullable=False),
    Index("ix_post_search_terms", "terms", postgresql_using="gin"),
    Index("ix_post_search_grams", "grams", postgresql_using="gin"),
    Index("ix_post_search_spell", "spell", postgresql_using="gin"),
    Index("ix_post_search_cell", "cell"),
)

search_term = Table(
    "search_term",
    metadata,
    Column("field", String(1), primary_key=True),
    Column("term", Text(collation="C"), primary_key=True),
    Column("df", Integer, nullable=False),
    Index(
        "ix_search_term_spell_trgm",
        "term",
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
        postgresql_where=text("field = 's'"),
    ),
)


def create_tables(bind: Engine | Connection) -> None:
    """The extension and the tables, if missing (tests build the schema without migrations)."""
    if bind.dialect.name != "postgresql":
        return
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            create_tables(connection)
        return
    bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    metadata.create_all(bind)


def drop_tables(bind: Engine | Connection) -> None:
    if bind.dialect.name == "postgresql":
        metadata.drop_all(bind)
