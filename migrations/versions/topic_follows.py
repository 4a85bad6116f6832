"""follows of a category, a department or an area

Revision ID: i13_topic_follows
Revises: i13_calls_for_ideas
Create Date: 2026-12-03 22:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_topic_follows'
down_revision = 'i13_calls_for_ideas'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'topic_follow',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('latitude', sa.Double(), nullable=True),
        sa.Column('longitude', sa.Double(), nullable=True),
        sa.Column('radius_m', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            '(CASE WHEN category_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)'
            ' + (CASE WHEN radius_m IS NULL THEN 0 ELSE 1 END) = 1',
            name=op.f('ck_topic_follow_one_target'),
        ),
        sa.CheckConstraint(
            '(radius_m IS NULL) = (latitude IS NULL) AND (radius_m IS NULL) = (longitude IS NULL)',
            name=op.f('ck_topic_follow_area_whole'),
        ),
        sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_topic_follow_category_id_category'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_topic_follow_department_id_department'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_topic_follow_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_follow')),
    )
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.create_index('ix_topic_follow_area', ['latitude', 'longitude'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_follow_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_follow_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_follow_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_follow_user_id'))
        batch_op.drop_index(batch_op.f('ix_topic_follow_department_id'))
        batch_op.drop_index(batch_op.f('ix_topic_follow_category_id'))
        batch_op.drop_index('ix_topic_follow_area')
    op.drop_table('topic_follow')
