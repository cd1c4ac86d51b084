"""routing rules in the admin's order, and each team's round-robin turn

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from helpdesk.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'routing_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('stop', sa.Boolean(), nullable=False),
        sa.Column('conditions', JSON, nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('priority', sa.String(length=16), nullable=True),
        sa.Column('tag', sa.String(length=64), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('assign_in_turn', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'],
                                name=op.f('fk_routing_rules_assignee_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_routing_rules_team_id_teams'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
    )
    op.create_index(op.f('ix_routing_rules_position'), 'routing_rules', ['position'])
    op.create_table(
        'routing_team_turns',
        sa.Column('team_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_user_id', sa.Integer(), nullable=True),
        sa.Column('turns', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_routing_team_turns_team_id_teams'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', name=op.f('pk_routing_team_turns')),
    )


def downgrade():
    op.drop_table('routing_team_turns')
    op.drop_index(op.f('ix_routing_rules_position'), table_name='routing_rules')
    op.drop_table('routing_rules')
