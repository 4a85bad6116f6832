"""supporters moved from a duplicate to its original

Revision ID: i11_moved_votes
Revises: i14_post_embeddings
Create Date: 2026-12-04 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11_moved_votes'
down_revision = 'i11_post_revisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moved_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('duplicate_id', sa.Integer(), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=False),
    sa.Column('added_to_original', sa.Boolean(), nullable=False),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_id'], ['post.id'], name=op.f('fk_moved_vote_duplicate_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['original_id'], ['post.id'], name=op.f('fk_moved_vote_original_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_moved_vote_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moved_vote'))
    )
    with op.batch_alter_table('moved_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moved_vote_duplicate_id'), ['duplicate_id'], unique=False)


def downgrade():
    with op.batch_alter_table('moved_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moved_vote_duplicate_id'))

    op.drop_table('moved_vote')
