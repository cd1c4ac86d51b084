"""indexes for the reports: tickets by period, first responses and decisions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


OPEN_TICKET_SQL = "status NOT IN ('cancelled', 'closed')"


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_reports',
                              ['created_at', 'channel_key', 'kind', 'status', 'closed_at',
                               'branch_id', 'service_id', 'team_id', 'first_response_due_at',
                               'resolution_due_at'], unique=False)
        batch_op.create_index('ix_tickets_open_created_at',
                              ['created_at', 'channel_key', 'branch_id', 'service_id',
                               'team_id'], unique=False,
                              sqlite_where=sa.text(OPEN_TICKET_SQL),
                              postgresql_where=sa.text(OPEN_TICKET_SQL))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_ticket_id_type_created_at',
                              ['ticket_id', 'type', 'created_at'], unique=False)
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_committee_decisions_decided_at', ['decided_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_open_created_at',
                            sqlite_where=sa.text(OPEN_TICKET_SQL),
                            postgresql_where=sa.text(OPEN_TICKET_SQL))
        batch_op.drop_index('ix_tickets_reports')
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_committee_decisions_decided_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_ticket_id_type_created_at')
