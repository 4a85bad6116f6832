"""post revisions: earlier versions of posts their authors edited after approval

Revision ID: i11_post_revisions
Revises: i14_post_embeddings
Create Date: 2026-12-04 13:45:00

The new "withdrawn" post status needs no change of the schema: statuses are stored as strings of up
to 20 characters, without a constraint on their values.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11_post_revisions'
down_revision = 'i13_dispute_photo'
branch_labels = None
depends_on = None

STATUSES = ('pending', 'published', 'rejected', 'duplicate', 'forwarded', 'in_progress', 'resolved', 'declined', 'withdrawn')


def upgrade():
    op.create_table(
        'post_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('editor_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=150), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=True),
        sa.Column('latitude', sa.Double(), nullable=True),
        sa.Column('longitude', sa.Double(), nullable=True),
        sa.Column('status', sa.Enum(*STATUSES, name='poststatus', native_enum=False, length=20), nullable=False),
        sa.Column('is_substantial', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['editor_id'], ['user.id'], name=op.f('fk_post_revision_editor_id_user')),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_revision_post_id_post'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_post_revision_reviewed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revision')),
    )
    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.create_index('ix_post_revision_post_created', ['post_id', 'created_at'], unique=False)
        batch_op.create_index('ix_post_revision_reviewed_created', ['reviewed_at', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_post_revision_reviewed_created')
        batch_op.drop_index('ix_post_revision_post_created')
    op.drop_table('post_revision')
