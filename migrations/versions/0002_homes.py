"""homes: opening hours, closures, events and occurrences (room bookings), needs, call slots, outbox.

On PostgreSQL an exclusion constraint (btree_gist) keeps confirmed occurrences of one room from
overlapping; SQLite has no such constraint, and the booking service serialises writers there with
BEGIN IMMEDIATE instead.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:46:54.175712

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('related_type', sa.String(length=40), nullable=True),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_outbox_messages_to_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_to_user_id'), ['to_user_id'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.CheckConstraint('start_minute < end_minute', name=op.f('ck_opening_hours_start_before_end')),
    sa.CheckConstraint('start_minute >= 0 AND end_minute <= 1440', name=op.f('ck_opening_hours_minute_range')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_opening_hours_home_id_homes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours'))
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_hours_home_id'), ['home_id'], unique=False)

    op.create_table('closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_closures_start_before_end')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_closures_home_id_homes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_closures_room_id_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closures'))
    )
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closures_home_id'), ['home_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('age_group', sa.String(length=10), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=20), nullable=False),
    sa.Column('interval_weeks', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('slot_minutes', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('interval_weeks >= 1', name=op.f('ck_events_interval_positive')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_events_home_id_homes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_events_room_id_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_home_id'), ['home_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_room_id'), ['room_id'], unique=False)

    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('min_headcount', sa.Integer(), nullable=False),
    sa.Column('max_headcount', sa.Integer(), nullable=False),
    sa.Column('vetting_required', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_headcount >= min_headcount', name=op.f('ck_needs_max_at_least_min')),
    sa.CheckConstraint('min_headcount >= 0', name=op.f('ck_needs_min_nonnegative')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_needs_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_needs_skill_id_skills'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_event_id'), ['event_id'], unique=False)

    op.create_table('occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'confirmed', 'declined', 'cancelled')", name=op.f('ck_occurrences_status_known')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_occurrences_start_before_end')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_occurrences_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_occurrences_room_id_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrences'))
    )
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occurrences_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrences_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrences_starts_at'), ['starts_at'], unique=False)

    if postgres:
        # No double booking: confirmed occurrences of one room never overlap ('[)' allows
        # back-to-back bookings).
        op.execute(
            "ALTER TABLE occurrences ADD CONSTRAINT ex_occurrences_room_no_overlap "
            "EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status = 'confirmed')"
        )

    op.create_table('call_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('child_label', sa.String(length=20), nullable=True),
    sa.Column('signed_up_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrences.id'], name=op.f('fk_call_slots_occurrence_id_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_up_by_id'], ['users.id'], name=op.f('fk_call_slots_signed_up_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_slots')),
    sa.UniqueConstraint('occurrence_id', 'starts_at', name=op.f('uq_call_slots_occurrence_id_starts_at'))
    )
    with op.batch_alter_table('call_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_slots_occurrence_id'), ['occurrence_id'], unique=False)



def downgrade():
    with op.batch_alter_table('call_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_slots_occurrence_id'))

    op.drop_table('call_slots')
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occurrences_starts_at'))
        batch_op.drop_index(batch_op.f('ix_occurrences_room_id'))
        batch_op.drop_index(batch_op.f('ix_occurrences_event_id'))

    op.drop_table('occurrences')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_event_id'))

    op.drop_table('needs')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_room_id'))
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_events_home_id'))

    op.drop_table('events')
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closures_home_id'))

    op.drop_table('closures')
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_hours_home_id'))

    op.drop_table('opening_hours')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_to_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_status'))

    op.drop_table('outbox_messages')
