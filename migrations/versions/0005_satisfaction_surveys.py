"""satisfaction: survey answers on ratings, surveys, kiosk passes, follow-ups, review marks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:05:00

"""
import sqlalchemy as sa
from alembic import op

import helpdesk.db_types

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speed', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('courtesy', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('clarity', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False,
                                      server_default='portal'))
        batch_op.create_check_constraint(batch_op.f('ck_ratings_speed_range'),
                                         'speed BETWEEN 1 AND 5')
        batch_op.create_check_constraint(batch_op.f('ck_ratings_courtesy_range'),
                                         'courtesy BETWEEN 1 AND 5')
        batch_op.create_check_constraint(batch_op.f('ck_ratings_clarity_range'),
                                         'clarity BETWEEN 1 AND 5')
        batch_op.create_index('ix_ratings_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('source', server_default=None)

    op.create_table('satisfaction_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('sent_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.Column('reminded_at', helpdesk.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("occasion IN ('resolved', 'decided')",
                       name=op.f('ck_satisfaction_surveys_occasion_known')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                            name=op.f('fk_satisfaction_surveys_ticket_id_tickets'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_surveys')),
    sa.UniqueConstraint('ticket_id', 'occasion',
                        name=op.f('uq_satisfaction_surveys_ticket_id_occasion'))
    )
    op.create_index('ix_satisfaction_surveys_reminded_at_sent_at', 'satisfaction_surveys',
                    ['reminded_at', 'sent_at'], unique=False)

    op.create_table('satisfaction_kiosk_passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.Column('used_at', helpdesk.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'],
                            name=op.f('fk_satisfaction_kiosk_passes_opened_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                            name=op.f('fk_satisfaction_kiosk_passes_ticket_id_tickets'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_kiosk_passes')),
    sa.UniqueConstraint('nonce', name=op.f('uq_satisfaction_kiosk_passes_nonce'))
    )
    op.create_index(op.f('ix_satisfaction_kiosk_passes_ticket_id'),
                    'satisfaction_kiosk_passes', ['ticket_id'], unique=False)

    op.create_table('satisfaction_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.Column('closed_at', helpdesk.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done')",
                       name=op.f('ck_satisfaction_follow_ups_status_known')),
    sa.ForeignKeyConstraint(['lead_id'], ['users.id'],
                            name=op.f('fk_satisfaction_follow_ups_lead_id_users')),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'],
                            name=op.f('fk_satisfaction_follow_ups_rating_id_ratings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                            name=op.f('fk_satisfaction_follow_ups_team_id_teams')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                            name=op.f('fk_satisfaction_follow_ups_ticket_id_tickets'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_follow_ups')),
    sa.UniqueConstraint('rating_id', name=op.f('uq_satisfaction_follow_ups_rating_id'))
    )
    op.create_index('ix_satisfaction_follow_ups_lead_id_status', 'satisfaction_follow_ups',
                    ['lead_id', 'status'], unique=False)
    op.create_index(op.f('ix_satisfaction_follow_ups_ticket_id'), 'satisfaction_follow_ups',
                    ['ticket_id'], unique=False)

    op.create_table('satisfaction_review_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('action_taken', sa.Text(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', helpdesk.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("item_kind IN ('suggestion', 'comment')",
                       name=op.f('ck_satisfaction_review_marks_kind_known')),
    sa.CheckConstraint("status IN ('read', 'acted_on', 'not_applicable')",
                       name=op.f('ck_satisfaction_review_marks_status_known')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'],
                            name=op.f('fk_satisfaction_review_marks_marked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_review_marks')),
    sa.UniqueConstraint('item_kind', 'item_id',
                        name=op.f('uq_satisfaction_review_marks_item_kind_item_id'))
    )
    op.create_index('ix_satisfaction_review_marks_marked_at', 'satisfaction_review_marks',
                    ['marked_at'], unique=False)


def downgrade():
    op.drop_index('ix_satisfaction_review_marks_marked_at',
                  table_name='satisfaction_review_marks')
    op.drop_table('satisfaction_review_marks')
    op.drop_index(op.f('ix_satisfaction_follow_ups_ticket_id'),
                  table_name='satisfaction_follow_ups')
    op.drop_index('ix_satisfaction_follow_ups_lead_id_status',
                  table_name='satisfaction_follow_ups')
    op.drop_table('satisfaction_follow_ups')
    op.drop_index(op.f('ix_satisfaction_kiosk_passes_ticket_id'),
                  table_name='satisfaction_kiosk_passes')
    op.drop_table('satisfaction_kiosk_passes')
    op.drop_index('ix_satisfaction_surveys_reminded_at_sent_at',
                  table_name='satisfaction_surveys')
    op.drop_table('satisfaction_surveys')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_created_at')
        batch_op.drop_constraint(batch_op.f('ck_ratings_clarity_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ratings_courtesy_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ratings_speed_range'), type_='check')
        batch_op.drop_column('source')
        batch_op.drop_column('clarity')
        batch_op.drop_column('courtesy')
        batch_op.drop_column('speed')
