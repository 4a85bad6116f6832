"""a version per post for its cached page and parts, and the lists' generation

Revision ID: i15_post_page_version
Revises: i16_pg_search
Create Date: 2026-12-04 13:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i15_post_page_version'
down_revision = 'i16_pg_search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post') as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), server_default='0', nullable=False))
    op.execute("INSERT INTO site_generation (id, value) VALUES (2, 0)")


def downgrade():
    op.execute("DELETE FROM site_generation WHERE id = 2")
    with op.batch_alter_table('post') as batch_op:
        batch_op.drop_column('page_version')
