"""post embeddings and their queue

Revision ID: i14_post_embeddings
Revises: i9a0accounts01
Create Date: 2026-12-03 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i14_post_embeddings'
down_revision = 'i9a0accounts01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('post_embedding',
    sa.Column('post_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('text_hash', sa.String(length=32), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('embedded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_post_embedding'))
    )
    with op.batch_alter_table('post_embedding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_embedding_embedded_at'), ['embedded_at'], unique=False)

    op.create_table('embedding_queue',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_embedding_queue')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('embedding_queue')
    with op.batch_alter_table('post_embedding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_embedding_embedded_at'))

    op.drop_table('post_embedding')
