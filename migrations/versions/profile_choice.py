"""a resident's choice to show a public profile

Revision ID: i13_profile_choice
Revises: i13_topic_follows
Create Date: 2026-12-03 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_profile_choice'
down_revision = 'i13_topic_follows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'profile_choice',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_profile_choice_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_profile_choice')),
    )


def downgrade():
    op.drop_table('profile_choice')
