"""a photo sent with "it is not fixed"

Revision ID: i13_dispute_photo
Revises: i14_post_embeddings
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_dispute_photo'
down_revision = 'i14_post_embeddings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fix_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_fix_question_photo_id_photo'), 'photo', ['photo_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('fix_question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fix_question_photo_id_photo'), type_='foreignkey')
        batch_op.drop_column('photo_id')
