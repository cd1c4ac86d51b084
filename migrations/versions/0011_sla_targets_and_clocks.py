"""sla targets and clocks: targets per kind and service; first response, at-risk and pause
columns on tickets; committee decision windows counted in working days

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:00:00

The decision windows (services.decision_window_days, association.committee_window_days)
were calendar days and are now working days: each is converted to the working days of as
many calendar days (five a week: 14 becomes 10, 7 becomes 5), at least one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OPEN_TICKET_SQL = "status NOT IN ('cancelled', 'closed')"


def _to_working_days(table: str, column: str) -> None:
    op.execute(f"UPDATE {table} SET {column} = "
               f"CASE WHEN ({column} * 5) / 7 < 1 THEN 1 ELSE ({column} * 5) / 7 END")


def _to_calendar_days(table: str, column: str) -> None:
    op.execute(f"UPDATE {table} SET {column} = ({column} * 7 + 4) / 5")


def upgrade():
    op.create_table(
        'sla_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=True),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('first_response_days', sa.Float(), nullable=False),
        sa.Column('resolution_days', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('(kind IS NULL) <> (service_id IS NULL)',
                           name=op.f('ck_sla_targets_kind_or_service')),
        sa.CheckConstraint('first_response_days > 0 AND resolution_days > 0',
                           name=op.f('ck_sla_targets_targets_positive')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_sla_targets_service_id_services'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_targets')),
        sa.UniqueConstraint('kind', name=op.f('uq_sla_targets_kind')),
        sa.UniqueConstraint('service_id', name=op.f('uq_sla_targets_service_id')),
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_responded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('at_risk_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_seconds', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_tickets_open_at_risk', ['at_risk_at', 'resolution_due_at'],
                              unique=False, sqlite_where=sa.text(OPEN_TICKET_SQL),
                              postgresql_where=sa.text(OPEN_TICKET_SQL))
    _to_working_days('services', 'decision_window_days')
    _to_working_days('association', 'committee_window_days')


def downgrade():
    _to_calendar_days('association', 'committee_window_days')
    _to_calendar_days('services', 'decision_window_days')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_open_at_risk', sqlite_where=sa.text(OPEN_TICKET_SQL),
                            postgresql_where=sa.text(OPEN_TICKET_SQL))
        batch_op.drop_column('sla_paused_seconds')
        batch_op.drop_column('sla_paused_at')
        batch_op.drop_column('at_risk_at')
        batch_op.drop_column('first_responded_at')
    op.drop_table('sla_targets')
