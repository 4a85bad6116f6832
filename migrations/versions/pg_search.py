"""PostgreSQL search: the posts' terms (tsvector, GIN), the terms' counts, pg_trgm

Revision ID: i16_pg_search
Revises: i14_post_embeddings
Create Date: 2026-12-04 14:00:00

On PostgreSQL only (app.search.pg.tables): SQLite keeps the Whoosh index and is left unchanged.
The rows are filled by `flask search rebuild` (or by `flask worker` on its first round).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'i16_pg_search'
down_revision = 'i13_calls_more'
branch_labels = None
depends_on = None


def _on_postgresql():
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    if not _on_postgresql():
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_table('post_search',
    sa.Column('post_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('terms', postgresql.TSVECTOR(), nullable=False),
    sa.Column('grams', postgresql.TSVECTOR(), nullable=False),
    sa.Column('spell', postgresql.TSVECTOR(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('cell', sa.String(length=40), nullable=True),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_post_search'))
    )
    op.create_index('ix_post_search_terms', 'post_search', ['terms'], postgresql_using='gin')
    op.create_index('ix_post_search_grams', 'post_search', ['grams'], postgresql_using='gin')
    op.create_index('ix_post_search_spell', 'post_search', ['spell'], postgresql_using='gin')
    op.create_index('ix_post_search_cell', 'post_search', ['cell'])
    op.create_table('search_term',
    sa.Column('field', sa.String(length=1), nullable=False),
    sa.Column('term', sa.Text(collation='C'), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('field', 'term', name=op.f('pk_search_term'))
    )
    op.create_index('ix_search_term_spell_trgm', 'search_term', ['term'], postgresql_using='gin',
                    postgresql_ops={'term': 'gin_trgm_ops'}, postgresql_where=sa.text("field = 's'"))


def downgrade():
    if not _on_postgresql():
        return
    op.drop_index('ix_search_term_spell_trgm', table_name='search_term')
    op.drop_table('search_term')
    op.drop_index('ix_post_search_cell', table_name='post_search')
    op.drop_index('ix_post_search_spell', table_name='post_search')
    op.drop_index('ix_post_search_grams', table_name='post_search')
    op.drop_index('ix_post_search_terms', table_name='post_search')
    op.drop_table('post_search')
