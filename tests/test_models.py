from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories
from webapp.extensions import db
from webapp.models import (
    Assignment,
    Need,
    Occurrence,
    OutboxMessage,
    Plan,
    Post,
    Programme,
    SolveRun,
    SwapOffer,
    Volunteer,
)
from webapp.models.events import ACTIVE_STATUSES, OCCURRENCE_STATUSES
from webapp.models.notifications import OUTBOX_STATUSES
from webapp.models.plans import ASSIGNMENT_STATUSES, PLAN_STATES, RUN_STATUSES


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


# --- state checks: templates and services ask these instead of comparing status strings -----


@pytest.mark.parametrize("status", OCCURRENCE_STATUSES)
def test_an_occurrence_says_whether_it_holds_its_room_and_waits_for_a_decision(status):
    occurrence = Occurrence(status=status)
    assert occurrence.is_active == (status in ACTIVE_STATUSES)
    assert occurrence.is_active == (status in ("requested", "confirmed"))
    assert occurrence.is_confirmed == (status == "confirmed")
    assert occurrence.awaits_decision == (status == "requested")


@pytest.mark.parametrize("status", ASSIGNMENT_STATUSES)
def test_an_assignment_names_its_status(status):
    assignment = Assignment(status=status)
    checks = {
        "proposed": assignment.is_proposed,
        "confirmed": assignment.is_confirmed,
        "withdrawn": assignment.is_withdrawn,
        "waitlisted": assignment.is_waitlisted,
    }
    assert [name for name, true in checks.items() if true] == ([status] if status in checks else [])


@pytest.mark.parametrize("state", PLAN_STATES)
def test_a_plan_is_editable_only_as_a_proposal_and_seen_only_when_published(state):
    plan = Plan(state=state)
    assert plan.is_proposed == (state == "proposed")
    assert plan.is_published == (state == "published")


@pytest.mark.parametrize("state", ["draft", "solving", "proposed", "published"])
def test_a_programme_awaits_publication_while_solving_or_proposed(state):
    programme = Programme(state=state)
    assert programme.is_published == (state == "published")
    assert programme.is_solving == (state == "solving")
    assert programme.awaits_publication == (state in ("solving", "proposed"))


@pytest.mark.parametrize("status", RUN_STATUSES)
def test_a_solve_run_is_active_until_it_ends(status):
    run = SolveRun(status=status)
    assert run.active == (status in ("queued", "running"))
    assert run.is_running == (status == "running")
    assert run.is_done == (status == "done")
    assert run.has_failed == (status == "failed")


@pytest.mark.parametrize("status", OUTBOX_STATUSES)
def test_only_a_failed_message_can_be_sent_again(status):
    later = datetime(2026, 12, 1, 8, tzinfo=UTC)
    message = OutboxMessage(status=status, next_attempt_at=later)
    assert message.can_retry == (status == "failed")
    assert message.is_sent == (status == "sent")
    # Only a waiting message has a next try; a claimed or finished one keeps a stale time.
    assert message.next_try_at == (later if status == "pending" else None)
    assert OutboxMessage(status="pending", next_attempt_at=None).next_try_at is None


@pytest.mark.parametrize("status", ["pending", "accepted", "declined", "cancelled"])
def test_a_swap_offer_is_pending_until_answered_or_withdrawn(status):
    assert SwapOffer(status=status).is_pending == (status == "pending")
