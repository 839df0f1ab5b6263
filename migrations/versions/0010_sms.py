"""sms: the outbox's second channel (template, values, the provider's id and delivery report),
and a volunteer's choice of SMS

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('sms_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('sms_params', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('report', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('report_detail', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('report_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefers_sms', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_column('prefers_sms')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('report_at')
        batch_op.drop_column('report_detail')
        batch_op.drop_column('report')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('sms_params')
        batch_op.drop_column('sms_kind')
        batch_op.drop_column('channel')
