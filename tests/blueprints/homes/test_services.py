from datetime import timedelta

from tests import factories
from tests.blueprints.homes.helpers import at, next_monday
from webapp.blueprints.homes import booking, booking_changes, services
from webapp.blueprints.homes.booking import BookingRequest, NeedSpec
from webapp.extensions import db


def test_needs_between_lists_each_need_of_each_confirmed_occurrence(home, manager, committed):
    skill = factories.skill("math")
    req = BookingRequest(
        room=home.rooms[0],
        title="数学辅导",
        kind="tutoring",
        first_date=next_monday(),
        start_minute=16 * 60,
        end_minute=17 * 60,
        capacity=5,
        weekdays=(0,),
        count=3,
        needs=[NeedSpec(skill.id, 1, 2, True)],
    )
    event = committed(booking.book, req, manager)
    committed(booking_changes.cancel, event.occurrences[1], manager)
    rows = services.needs_between(
        at(next_monday(), "00:00"), at(next_monday() + timedelta(days=30), "00:00")
    )
    assert [(o.id, n.skill.code) for o, n in rows] == [
        (event.occurrences[0].id, "math"),
        (event.occurrences[2].id, "math"),
    ]


def test_visible_homes_for_a_manager_are_their_own(app, manager, home):
    factories.home()
    assert [h.id for h in services.visible_homes(manager)] == [home.id]
    coordinator = factories.user(roles=("coordinator",))
    assert len(services.visible_homes(coordinator)) == 2
    db.session.rollback()
