"""calls for ideas: several categories, an image, an area; area follows remember a neighbourhood

Revision ID: i13_calls_more
Revises: i14_post_embeddings
Create Date: 2026-12-04 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_calls_more'
down_revision = 'i11_moved_votes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'call_category',
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_category_call_id_call'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_call_category_category_id_category'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('call_id', 'category_id', name=op.f('pk_call_category')),
    )
    # Calls opened before: their one category is their list.
    op.execute('INSERT INTO call_category (call_id, category_id) SELECT id, category_id FROM call')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('image_thumb_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('image_content_type', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('area_latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('area_longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('area_radius_m', sa.Integer(), nullable=True))
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_key', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.drop_column('place_key')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_column('area_radius_m')
        batch_op.drop_column('area_longitude')
        batch_op.drop_column('area_latitude')
        batch_op.drop_column('image_content_type')
        batch_op.drop_column('image_thumb_key')
        batch_op.drop_column('image_key')
    op.drop_table('call_category')
