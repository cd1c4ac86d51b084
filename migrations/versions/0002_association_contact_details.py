"""the association's WhatsApp number, office address and postal address

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('association') as batch_op:
        batch_op.add_column(sa.Column('whatsapp_number', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('association') as batch_op:
        batch_op.drop_column('postal_address')
        batch_op.drop_column('address')
        batch_op.drop_column('whatsapp_number')
