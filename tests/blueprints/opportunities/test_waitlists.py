"""A cancelled date ends its waitlists: closing the home or a room over a session takes the
people waiting off and tells them (webapp/blueprints/opportunities/waitlists.py)."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from webapp.clock import CHINA
from webapp.core import signals
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage


def _login(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 303
    return client


def _full_date_with_a_waitlist(app):
    """A one-place session (taken), 李秀兰 first on its waitlist; its home's manager logged in."""
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    factories.opening_hours(home, (0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")
    need, occurrence = factories.open_need(home, title="周六绘本共读")
    factories.assignment(factories.volunteer_with_login(), need_id=need.id,
                         occurrence_id=occurrence.id)  # fmt: skip
    waiting = factories.volunteer_with_login(name="李秀兰")
    factories.assignment(waiting, need_id=need.id, occurrence_id=occurrence.id, status="waitlisted")
    db.session.commit()
    return home, occurrence, waiting, _login(app, manager)


def _waitlist_messages(volunteer) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to_user_id == volunteer.user.id,
                OutboxMessage.related_type == "assignment",
            )
        )
    )


def test_a_closure_over_the_date_takes_the_waitlist_off_and_tells_them(app):
    home, occurrence, waiting, manager = _full_date_with_a_waitlist(app)
    volunteer = _login(app, waiting.user)
    assert "候补第 1 位" in volunteer.get("/me/schedule").text
    day = occurrence.starts_at.astimezone(CHINA).date().isoformat()
    form = {"starts_on": day, "ends_on": day, "reason": "停电", "cancel_affected": "1"}
    assert manager.post(f"/homes/{home.id}/closures", data=form).status_code == 303
    db.session.expire_all()
    statuses = db.session.scalars(
        select(Assignment.status).where(Assignment.volunteer_id == waiting.id)
    ).all()
    assert statuses == ["withdrawn"]
    page = volunteer.get("/me/schedule").text
    assert "候补第" not in page and "周六绘本共读" not in page
    [message] = _waitlist_messages(waiting)
    assert "周六绘本共读" in message.subject
    assert "候补" in message.body and "停电" in message.body and home.name in message.body


def test_closing_the_room_over_the_date_ends_its_waitlist_too(app):
    home, occurrence, waiting, manager = _full_date_with_a_waitlist(app)
    room = occurrence.room
    prefix = f"room{room.id}-"
    form = {prefix + "name": room.name, prefix + "capacity": "20", "cancel_affected": "1"}
    assert manager.post(f"/homes/{home.id}/rooms/{room.id}", data=form).status_code == 200
    db.session.expire_all()
    assert occurrence.status == "cancelled"
    assert (
        db.session.scalar(select(Assignment.status).where(Assignment.volunteer_id == waiting.id))
        == "withdrawn"
    )
    assert len(_waitlist_messages(waiting)) == 1


def test_a_closure_asked_about_but_not_confirmed_keeps_the_waitlist(app):
    home, occurrence, waiting, manager = _full_date_with_a_waitlist(app)
    day = occurrence.starts_at.astimezone(CHINA).date().isoformat()
    form = {"starts_on": day, "ends_on": day, "reason": "停电"}
    assert manager.post(f"/homes/{home.id}/closures", data=form).status_code == 409
    db.session.expire_all()
    assert (
        db.session.scalar(select(Assignment.status).where(Assignment.volunteer_id == waiting.id))
        == "waitlisted"
    )
    assert _waitlist_messages(waiting) == []


def test_the_opportunities_blueprint_hears_cancelled_dates_once_the_app_exists(app):
    from webapp.blueprints.opportunities.waitlists import end_waitlists

    receivers = signals.occurrence_cancelled.receivers_for(object())
    assert any(getattr(r, "__name__", "") == end_waitlists.__name__ for r in receivers)
