"""calendar: the admin's hours, Eid lengths, holiday lists per year and closures

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:49:31

"""
import sqlalchemy as sa
from alembic import op

import helpdesk.db_types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_calendar_closures_closure_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_closures'))
    )
    with op.batch_alter_table('calendar_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_closures_starts_on'), ['starts_on'], unique=False)

    op.create_table('calendar_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.Column('eid_al_fitr_days', sa.Integer(), nullable=False),
    sa.Column('eid_al_adha_days', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_settings'))
    )
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generated_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )
    op.create_table('calendar_branch_hours',
    sa.Column('branch_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_calendar_branch_hours_branch_id_branches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('branch_id', name=op.f('pk_calendar_branch_hours'))
    )
    op.create_table('calendar_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['year'], ['calendar_years.year'], name=op.f('fk_calendar_holidays_year_calendar_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_holidays')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_holidays_day'))
    )
    with op.batch_alter_table('calendar_holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_holidays_year'), ['year'], unique=False)



def downgrade():
    with op.batch_alter_table('calendar_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_holidays_year'))

    op.drop_table('calendar_holidays')
    op.drop_table('calendar_branch_hours')
    op.drop_table('calendar_years')
    op.drop_table('calendar_settings')
    with op.batch_alter_table('calendar_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_closures_starts_on'))

    op.drop_table('calendar_closures')
