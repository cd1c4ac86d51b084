"""external refs remember the fingerprint of the request that created them

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:25:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('external_refs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('external_refs', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')
