"""Many writers at once: the database, not luck, keeps a room from being double-booked.

PostgreSQL: the exclusion constraint decides (the losers' inserts wait for the winner's commit,
then fail). SQLite: BEGIN IMMEDIATE makes check-and-insert one step per writer.
Each thread has its own app context, hence its own session and connection, like a request.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.blueprints.homes.helpers import at, next_monday
from tests.concurrency import race_service_calls
from webapp.blueprints.homes import booking, booking_changes
from webapp.blueprints.homes.booking import BookingError, BookingRequest
from webapp.extensions import db
from webapp.models import Occurrence, Room, User

THREADS = 20


def _dialect(app) -> str:
    return db.engine.dialect.name


def _run_threads(app, work, n: int) -> list:
    """n writers at once; each result is 200 or the refusal's (status, message)."""
    return race_service_calls(app, work, n, BookingError, lambda _done: 200)


class BookSameSlot:
    def __init__(self, room_id: int, user_id: int) -> None:
        self.room_id, self.user_id = room_id, user_id

    def prepare(self, i):
        room = db.session.get(Room, self.room_id)
        user = db.session.get(User, self.user_id)
        req = BookingRequest(
            room=room,
            title=f"线程{i}",
            kind="activity",
            first_date=next_monday(),
            start_minute=16 * 60,
            end_minute=17 * 60,
            capacity=1,
        )
        return req, user

    def act(self, prepared):
        booking.book(*prepared)


class Approve:
    def __init__(self, occurrence_ids: list[int], user_id: int) -> None:
        self.ids, self.user_id = occurrence_ids, user_id

    def prepare(self, i):
        return db.session.get(Occurrence, self.ids[i]), db.session.get(User, self.user_id)

    def act(self, prepared):
        booking_changes.approve(*prepared)


def _confirmed() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Occurrence).where(Occurrence.status == "confirmed")
    )


def _assert_one_winner(results: list) -> None:
    assert results.count(200) == 1, results
    losers = [r for r in results if r != 200]
    assert len(losers) == len(results) - 1
    assert all(r[0] == 409 for r in losers), losers


def _same_slot_race(app, home, manager):
    results = _run_threads(app, BookSameSlot(home.rooms[0].id, manager.id), THREADS)
    _assert_one_winner(results)
    assert _confirmed() == 1
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 1


def _approval_race(app, home, manager):
    room = home.rooms[0]
    day = next_monday()
    ids = [
        factories.booking(room, at(day, "16:00"), at(day, "17:00"), status="requested").id
        for _ in range(THREADS)
    ]
    results = _run_threads(app, Approve(ids, manager.id), THREADS)
    _assert_one_winner(results)
    assert _confirmed() == 1


@pytest.mark.postgres
def test_twenty_threads_booking_the_same_slot_one_wins_nineteen_get_409_on_postgres(
    app, home, manager
):
    if _dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _same_slot_race(app, home, manager)


@pytest.mark.postgres
def test_twenty_racing_approvals_of_one_slot_one_wins_on_postgres(app, home, manager):
    if _dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _approval_race(app, home, manager)


@pytest.mark.postgres
def test_two_approvals_of_the_same_booking_one_wins_on_postgres(app, home, manager):
    if _dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    day = next_monday()
    occurrence = factories.booking(
        home.rooms[0], at(day, "16:00"), at(day, "17:00"), status="requested"
    )
    results = _run_threads(app, Approve([occurrence.id] * 2, manager.id), 2)
    _assert_one_winner(results)


@pytest.mark.postgres
def test_exclusion_constraint_refuses_a_writer_that_passed_the_check_on_postgres(
    app, home, manager
):
    """B checks while A's booking is not yet committed, so only the constraint can stop B."""
    if _dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    a_flushed, outcome = threading.Event(), {}
    room_id, user_id = home.rooms[0].id, manager.id
    work = BookSameSlot(room_id, user_id)

    def writer_a():
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            event = booking.book(*work.prepare(0))
            outcome["a"] = event.occurrences[0].id
            a_flushed.set()
            threading.Event().wait(0.5)  # B is now blocked on the constraint
            db.session.commit()
            db.session.remove()

    def writer_b():
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            a_flushed.wait(10)
            try:
                booking.book(*work.prepare(1))
                db.session.commit()
                outcome["b"] = 200
            except BookingError as error:
                db.session.rollback()
                outcome["b"] = (error.status, error.message)
            db.session.remove()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    status, message = outcome["b"]
    assert status == 409
    assert f"#{outcome['a']}" in message


@pytest.mark.postgres
def test_database_refuses_overlapping_confirmed_rows_written_directly_on_postgres(app, home):
    if _dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    from sqlalchemy.exc import IntegrityError

    day = next_monday()
    factories.booking(home.rooms[0], at(day, "16:00"), at(day, "17:00"))
    factories.booking(home.rooms[0], at(day, "16:00"), at(day, "17:00"), status="requested")
    with pytest.raises(IntegrityError, match="ex_occurrences_room_no_overlap"):
        factories.booking(home.rooms[0], at(day, "16:30"), at(day, "17:30"))
    db.session.rollback()


def test_threads_booking_the_same_slot_serialise_with_begin_immediate_on_sqlite(app, home, manager):
    if _dialect(app) != "sqlite":
        pytest.skip("the SQLite write-lock path")
    _same_slot_race(app, home, manager)


def test_racing_approvals_serialise_with_begin_immediate_on_sqlite(app, home, manager):
    if _dialect(app) != "sqlite":
        pytest.skip("the SQLite write-lock path")
    _approval_race(app, home, manager)


def test_twenty_simultaneous_booking_requests_one_succeeds_nineteen_get_409(app, home, manager):
    """Through HTTP, on whichever database runs the suite: the views keep the same promise."""
    from tests.blueprints.homes.helpers import booking_form
    from tests.conftest import AuthActions

    first = app.test_client()
    assert AuthActions(first).login(manager.email).status_code == 303
    cookie = first.get_cookie("session")
    clients = [first]
    for _ in range(THREADS - 1):
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        clients.append(client)
    data = booking_form(home.rooms[0].id, next_monday(), "16:00", "17:00")
    url = f"/homes/{home.id}/bookings/new"
    db.session.commit()  # the test's own session holds no connection during the race
    barrier = threading.Barrier(THREADS)
    statuses: list = [None] * THREADS

    def post(i: int) -> None:
        barrier.wait(timeout=30)
        response = clients[i].post(url, data=data)
        statuses[i] = response.status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303] + [409] * (THREADS - 1), statuses
    assert _confirmed() == 1


class SignUp:
    def __init__(self, occurrence_id: int, slot_id: int, user_id: int) -> None:
        self.occurrence_id, self.slot_id, self.user_id = occurrence_id, slot_id, user_id

    def prepare(self, i):
        occurrence = db.session.get(Occurrence, self.occurrence_id)
        # Initials or a pseudonym: letters only (童A, 童B, ...).
        return occurrence, self.slot_id, f"童{chr(65 + i)}", db.session.get(User, self.user_id)

    def act(self, prepared):
        from webapp.blueprints.homes.call_slots import sign_up_child

        sign_up_child(*prepared)


def test_ten_children_racing_for_the_last_video_call_slot_one_gets_it(app, home, manager):
    from webapp.models import CallSlot

    req = BookingRequest(
        room=home.rooms[1],
        title="亲情视频",
        kind="video_call",
        first_date=next_monday(),
        start_minute=10 * 60,
        end_minute=10 * 60 + 15,
        capacity=4,
        slot_minutes=15,
    )
    event = booking.book(req, manager)
    db.session.commit()
    occurrence = event.occurrences[0]
    slot_id = occurrence.call_slots[0].id
    results = _run_threads(app, SignUp(occurrence.id, slot_id, manager.id), 10)
    _assert_one_winner(results)
    db.session.expire_all()
    assert db.session.get(CallSlot, slot_id).child_label.startswith("童")
