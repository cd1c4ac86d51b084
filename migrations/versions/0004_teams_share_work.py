"""teams share work: branch, lead, assignment mode and limit; users can be away

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:47:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lead_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignment_mode', sa.String(length=16), nullable=False,
                                      server_default='manual'))
        batch_op.add_column(sa.Column('max_open_per_member', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.create_foreign_key(batch_op.f('fk_teams_lead_id_users'), 'users',
                                    ['lead_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_teams_branch_id_branches'), 'branches',
                                    ['branch_id'], ['id'])
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.alter_column('assignment_mode', server_default=None)
        batch_op.alter_column('active', server_default=None)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('away', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('away')

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_teams_branch_id_branches'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_teams_lead_id_users'), type_='foreignkey')
        batch_op.drop_column('active')
        batch_op.drop_column('max_open_per_member')
        batch_op.drop_column('assignment_mode')
        batch_op.drop_column('lead_id')
        batch_op.drop_column('branch_id')
