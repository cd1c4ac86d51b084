"""the phone channel's calls (telephony events) and the branch representatives' visit plans

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import helpdesk.db_types

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('phone_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=128), nullable=False),
    sa.Column('caller', sa.String(length=32), nullable=False),
    sa.Column('agent', sa.String(length=254), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('events', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('started_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.Column('answered_at', helpdesk.db_types.UTCDateTime(), nullable=True),
    sa.Column('ended_at', helpdesk.db_types.UTCDateTime(), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.Column('ticket_number', sa.String(length=16), nullable=True),
    sa.Column('updated_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_phone_calls_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_calls')),
    sa.UniqueConstraint('call_id', name=op.f('uq_phone_calls_call_id'))
    )
    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_calls_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phone_calls_updated_at'), ['updated_at'], unique=False)

    op.create_table('branch_visits_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('person_name', sa.String(length=160), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.Column('ticket_number', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['representative_id'], ['users.id'], name=op.f('fk_branch_visits_plans_representative_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_branch_visits_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_visits_plans'))
    )
    with op.batch_alter_table('branch_visits_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_visits_plans_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_visits_plans_planned_on'), ['planned_on'], unique=False)


def downgrade():
    with op.batch_alter_table('branch_visits_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_visits_plans_planned_on'))
        batch_op.drop_index(batch_op.f('ix_branch_visits_plans_representative_id'))
    op.drop_table('branch_visits_plans')
    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_calls_updated_at'))
        batch_op.drop_index(batch_op.f('ix_phone_calls_user_id'))
    op.drop_table('phone_calls')
