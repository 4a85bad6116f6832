"""calls for ideas, the ideas posted into them, and their timeline

Revision ID: i13_calls_for_ideas
Revises: i13_is_it_fixed
Create Date: 2026-12-03 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_calls_for_ideas'
down_revision = 'i13_is_it_fixed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'call',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=150), nullable=False),
        sa.Column('question', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('opens_at', sa.DateTime(), nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('outcome_published_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_call_category_id_category')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_call_created_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_call_department_id_department')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call')),
    )
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_department_id'), ['department_id'], unique=False)

    op.create_table(
        'call_idea',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('is_taken_up', sa.Boolean(), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_idea_call_id_call'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_call_idea_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_call_idea')),
    )
    with op.batch_alter_table('call_idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_idea_call_id'), ['call_id'], unique=False)

    op.create_table(
        'call_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('old_closes_at', sa.DateTime(), nullable=True),
        sa.Column('new_closes_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_call_event_actor_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_event_call_id_call'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_event')),
    )
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.create_index('ix_call_event_call_created', ['call_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.drop_index('ix_call_event_call_created')
    op.drop_table('call_event')
    with op.batch_alter_table('call_idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_idea_call_id'))
    op.drop_table('call_idea')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_department_id'))
        batch_op.drop_index(batch_op.f('ix_call_closes_at'))
    op.drop_table('call')
