"""indexes that hold every column the statistics page counts posts by, and the map's places

Revision ID: i16_post_stats_map_indexes
Revises: i15_post_page_version
Create Date: 2026-12-04 17:00:00

"""
from alembic import op


revision = 'i16_post_stats_map_indexes'
down_revision = 'i15_post_page_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_post_status_counts', 'post', ['status', 'is_hidden', 'category_id', 'department_id'], unique=False
    )
    op.create_index('ix_post_listed_place', 'post', ['is_listed', 'latitude', 'longitude'], unique=False)


def downgrade():
    op.drop_index('ix_post_listed_place', table_name='post')
    op.drop_index('ix_post_status_counts', table_name='post')
