"""The one due-state rule of a child's duty, in Python and in SQL, agree on every day around it."""

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from webapp.extensions import db
from webapp.models import CareLog, ChildDuty


def _duty(due_on: date, ended_on: date | None = None) -> ChildDuty:
    return ChildDuty(
        kind="weekly_talk",
        starts_on=due_on - timedelta(days=7),
        first_after_days=7,
        interval_days=7,
        due_on=due_on,
        ended_on=ended_on,
    )


def test_duty_due_yesterday_is_overdue_today_is_due_within_week_is_soon():
    today = date(2026, 12, 7)
    assert _duty(today - timedelta(days=1)).state(today) == "overdue"
    assert _duty(today).state(today) == "today"
    assert _duty(today + timedelta(days=7)).state(today) == "soon"
    assert _duty(today + timedelta(days=8)).state(today) == "later"
    assert _duty(today - timedelta(days=30), ended_on=today).state(today) == "ended"


def test_marking_done_moves_due_date_one_interval_after_latest_contact_only():
    duty = _duty(date(2026, 12, 1))
    duty.mark_done(date(2026, 12, 3))
    assert duty.due_on == date(2026, 12, 10)
    duty.mark_done(date(2026, 11, 20))  # an older contact recorded late changes nothing
    assert duty.due_on == date(2026, 12, 10)
    assert duty.last_done_on == date(2026, 12, 3)


def test_sql_overdue_agrees_with_python_state(app):
    today = date(2026, 12, 7)
    child = factories.child()

    @settings(max_examples=60, deadline=None)
    @given(offset=st.integers(min_value=-40, max_value=40), ended=st.sampled_from([None, -5, 0, 5]))
    def agrees(offset: int, ended: int | None) -> None:
        duty = _duty(
            today + timedelta(days=offset), None if ended is None else today + timedelta(days=ended)
        )
        duty.child = child
        db.session.add(duty)
        db.session.flush()
        in_sql = db.session.scalar(
            sa.select(sa.func.count()).where(ChildDuty.id == duty.id, ChildDuty.overdue_on(today))
        )
        assert (in_sql == 1) == (duty.state(today) == "overdue")
        db.session.delete(duty)
        db.session.flush()

    agrees()


def test_contact_logged_through_pairing_belongs_to_its_child_and_carer(app):
    pairing = factories.pairing()
    log = CareLog(pairing=pairing, kind="talk", happened_on=date(2026, 12, 1))
    db.session.add(log)
    db.session.flush()
    assert log.child_id == pairing.child_id
    assert log.volunteer_id == pairing.volunteer_id
