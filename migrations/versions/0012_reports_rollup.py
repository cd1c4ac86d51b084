"""the reports' daily rollup

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:20:00

"""
import sqlalchemy as sa
from alembic import op

import helpdesk.db_types

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DURATION_BUCKETS = 56
COUNTS = ('created', 'first_response_met', 'first_response_missed', 'resolution_met',
          'resolution_missed', 'stars_1', 'stars_2', 'stars_3', 'stars_4', 'stars_5',
          'closed', 'rated_closed',
          *(f'first_response_{i}' for i in range(DURATION_BUCKETS)),
          *(f'resolution_{i}' for i in range(DURATION_BUCKETS)))


def upgrade():
    op.create_table(
        'report_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('span', sa.String(length=8), server_default='day', nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel_key', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=True),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Integer(), server_default='0', nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('report_days', schema=None) as batch_op:
        batch_op.create_index('ix_report_days_span_day', ['span', 'day'], unique=False)
    op.create_table(
        'report_rollup_days',
        sa.Column('day', sa.Date(), autoincrement=False, nullable=False),
        sa.Column('built_at', helpdesk.db_types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )
    op.create_table(
        'report_rollup_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_event_id', sa.Integer(), server_default='0', nullable=False),
        sa.Column('ran_at', helpdesk.db_types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('report_rollup_state')
    op.drop_table('report_rollup_days')
    with op.batch_alter_table('report_days', schema=None) as batch_op:
        batch_op.drop_index('ix_report_days_span_day')
    op.drop_table('report_days')
