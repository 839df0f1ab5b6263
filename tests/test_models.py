from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories
from webapp.extensions import db
from webapp.models import Assignment, Need, Post, Volunteer


def test_user_roles_reject_unknown_codes(app):
    user = factories.user()
    with pytest.raises(ValueError):
        user.set_roles({"superuser"})


def test_expired_clearance_does_not_count_as_cleared():
    today = date(2026, 11, 23)
    volunteer = Volunteer(vetting_status="cleared", expires_on=today - timedelta(days=1))
    assert not volunteer.is_cleared(today)
    volunteer.expires_on = today
    assert volunteer.is_cleared(today)
    volunteer.vetting_status = "pending"
    assert not volunteer.is_cleared(today)


def test_timestamps_come_back_timezone_aware(app):
    user = factories.user()
    assert user.created_at.tzinfo is not None


# --- Planning: the database keeps the shapes the adapter relies on -----------------------------


def _refused(obj) -> bool:
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return True
    db.session.rollback()
    return False


def test_an_assignment_has_exactly_one_kind_of_target(app):
    volunteer = factories.volunteer()
    post = factories.post(factories.programme())
    assert not _refused(Assignment(volunteer_id=volunteer.id, post_id=post.id))
    assert _refused(Assignment(volunteer_id=volunteer.id))
    need = _need()
    assert _refused(Assignment(volunteer_id=volunteer.id, post_id=post.id, need_id=need.id))
    assert _refused(Assignment(volunteer_id=volunteer.id, need_id=need.id, weekday=7))


def test_a_post_keeps_preferred_headcount_between_min_and_max(app):
    programme = factories.programme()
    day = programme.starts_on
    common = {"programme_id": programme.id, "name": "点", "starts_on": day, "ends_on": day}
    assert _refused(Post(**common, beds=4, min_headcount=2, max_headcount=4, preferred_headcount=5))
    assert _refused(Post(**common, beds=4, min_headcount=3, max_headcount=2))
    assert not _refused(
        Post(**common, beds=4, min_headcount=2, max_headcount=4, preferred_headcount=3)
    )


def test_a_volunteer_cannot_ask_to_be_placed_with_themselves(app):
    volunteer = factories.volunteer()
    volunteer.companions.append(volunteer)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _need():
    room = factories.room()
    occurrence = factories.booking(
        room,
        datetime(2030, 3, 4, 8, tzinfo=UTC),
        datetime(2030, 3, 4, 9, tzinfo=UTC),
    )
    need = Need(event_id=occurrence.event_id, min_headcount=1, max_headcount=2)
    return factories._save(need)
