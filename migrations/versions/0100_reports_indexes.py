"""indexes for the reports: first responses, ratings and decisions by period

Revision ID: reports_indexes
Revises: 0003
Create Date: 2026-12-02 01:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'reports_indexes'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_ticket_id_type_created_at',
                              ['ticket_id', 'type', 'created_at'], unique=False)
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_committee_decisions_decided_at', ['decided_at'], unique=False)


def downgrade():
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_committee_decisions_decided_at')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_created_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_ticket_id_type_created_at')
