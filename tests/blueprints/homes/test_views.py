"""The homes pages through HTTP, as a manager, coordinator or volunteer would use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.blueprints.homes.helpers import at, booking_form, next_monday
from webapp.extensions import db
from webapp.models import Closure, Need, Occurrence, OpeningHours, OutboxMessage

HX = {"HX-Request": "true"}


@pytest.fixture
def managed(manager_client):
    home = factories.home(managers=(manager_client.user,), rooms=("activity", "video_call"))
    factories.opening_hours(home, (0, 1, 2, 3, 4, 5), "08:00", "20:00")
    return home


def occurrences() -> int:
    return db.session.scalar(select(func.count()).select_from(Occurrence))


def test_manager_sees_only_own_homes(manager_client, managed):
    other = factories.home(name="别人的之家")
    page = manager_client.get("/homes/")
    assert managed.name in page.text and other.name not in page.text


def test_coordinator_sees_every_home(coordinator_client):
    homes = [factories.home(), factories.home()]
    page = coordinator_client.get("/homes/").text
    assert all(h.name in page for h in homes)


def test_volunteer_may_not_open_homes(volunteer_client):
    assert volunteer_client.get("/homes/").status_code == 403


@pytest.mark.parametrize(
    "path",
    ["", "/week", "/month", "/list", "/hours", "/closures", "/approvals", "/bookings/new"],
)
def test_another_homes_pages_are_404_for_its_non_manager(manager_client, path):
    other = factories.home()
    assert manager_client.get(f"/homes/{other.id}{path}").status_code == 404


def test_booking_another_homes_room_is_404(manager_client, managed):
    other = factories.home()
    data = booking_form(other.rooms[0].id, next_monday(), "16:00", "17:00")
    assert manager_client.post(f"/homes/{other.id}/bookings/new", data=data).status_code == 404
    assert occurrences() == 0


def test_another_homes_booking_is_404(manager_client, managed):
    other = factories.home()
    theirs = factories.booking(
        other.rooms[0], at(next_monday(), "10:00"), at(next_monday(), "11:00")
    )
    assert manager_client.get(f"/homes/{managed.id}/bookings/{theirs.id}").status_code == 404
    assert manager_client.get(f"/homes/{other.id}/bookings/{theirs.id}").status_code == 404
    response = manager_client.post(f"/homes/{other.id}/bookings/{theirs.id}/cancel")
    assert response.status_code == 404


def test_unknown_ids_are_404(manager_client, managed):
    assert manager_client.get("/homes/9999").status_code == 404
    assert manager_client.get(f"/homes/{managed.id}/bookings/9999").status_code == 404


def test_booking_form_books_and_redirects_to_the_week(manager_client, managed):
    day = next_monday()
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(managed.rooms[0].id, day, "16:00", "17:00"),
    )
    assert response.status_code == 303
    assert f"/homes/{managed.id}/week?date={day.isoformat()}" in response.location
    week = manager_client.get(response.location).text
    assert "数学辅导" in week and "16:00–17:00" in week


def test_second_booking_of_same_slot_gets_409_with_the_reason(manager_client, managed):
    day = next_monday()
    url = f"/homes/{managed.id}/bookings/new"
    manager_client.post(
        url, data=booking_form(managed.rooms[0].id, day, "16:00", "17:00", title="英语角")
    )
    response = manager_client.post(
        url, data=booking_form(managed.rooms[0].id, day, "16:30", "17:30"), headers=HX
    )
    assert response.status_code == 409
    assert "英语角" in response.text and "booking-refused" in response.text
    assert "<html" not in response.text  # the form partial alone, for htmx
    assert occurrences() == 1


@pytest.mark.parametrize(
    ("start", "end"), [("17:00", "16:00"), ("16:00", "16:00")], ids=["end-before-start", "zero"]
)
def test_bad_times_re_render_the_form_with_422(manager_client, managed, start, end):
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(managed.rooms[0].id, next_monday(), start, end),
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert occurrences() == 0


def test_unknown_room_gets_422(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(9999, next_monday(), "16:00", "17:00"),
    )
    assert response.status_code == 422
    assert occurrences() == 0


def test_garbage_input_never_gives_500(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data={"room_id": "x", "date": "yesterday", "start": "25:99", "capacity": "-3"},
    )
    assert response.status_code == 422
    assert manager_client.get(f"/homes/{managed.id}/week?date=not-a-date").status_code == 400


def test_outside_opening_hours_gets_409(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(managed.rooms[0].id, next_monday(), "19:00", "21:00"),
    )
    assert response.status_code == 409
    assert "08:00–20:00" in response.text


def test_series_clash_offers_to_skip_the_dates_then_books_the_rest(manager_client, managed):
    monday = next_monday()
    taken = monday + timedelta(days=7)
    factories.booking(managed.rooms[0], at(taken, "16:00"), at(taken, "17:00"), title="家长会")
    url = f"/homes/{managed.id}/bookings/new"
    data = booking_form(
        managed.rooms[0].id, monday, "16:00", "17:00", repeat="y", weekdays=["0"], count="3"
    )
    response = manager_client.post(url, data=data, headers=HX)
    assert response.status_code == 409
    assert f'name="skip" value="{taken.isoformat()}"' in response.text
    assert 'name="skip_conflicts"' in response.text
    assert occurrences() == 1

    response = manager_client.post(
        url, data={**data, "skip": [taken.isoformat()], "skip_conflicts": "1"}, headers=HX
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"]
    assert occurrences() == 3


def test_empty_week_cell_links_to_a_prefilled_booking_form(manager_client, managed):
    day = next_monday()
    week = manager_client.get(f"/homes/{managed.id}/week?date={day.isoformat()}").text
    link = f"/homes/{managed.id}/bookings/new?room={managed.rooms[0].id}&amp;date={day.isoformat()}&amp;start=16:00&amp;end=17:00"
    assert link in week
    form = manager_client.get(link.replace("&amp;", "&")).text
    assert f'value="{day.isoformat()}"' in form and 'value="16:00"' in form


def test_week_navigation_returns_the_calendar_fragment_for_htmx(manager_client, managed):
    day = next_monday() + timedelta(days=7)
    response = manager_client.get(f"/homes/{managed.id}/week?date={day.isoformat()}", headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="calendar"')
    assert "HX-Request" in response.headers["Vary"]
    assert (day - timedelta(days=7)).isoformat() in response.text  # link to the previous week


def test_month_and_list_views_show_bookings(manager_client, managed):
    day = next_monday()
    factories.booking(managed.rooms[0], at(day, "09:00"), at(day, "10:00"), title="读书会")
    assert "读书会" in manager_client.get(f"/homes/{managed.id}/month?date={day}").text
    assert "读书会" in manager_client.get(f"/homes/{managed.id}/list?date={day}").text
    fragment = manager_client.get(f"/homes/{managed.id}/month?date={day}", headers=HX).text
    assert "<html" not in fragment


def test_opening_hours_are_added_and_shown_as_a_week_table(manager_client):
    home = factories.home(managers=(manager_client.user,))
    response = manager_client.post(
        f"/homes/{home.id}/hours",
        data={"weekdays": ["1", "3"], "start": "16:00", "end": "18:30", "label": "学期"},
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(OpeningHours)) == 2
    page = manager_client.get(f"/homes/{home.id}/hours").text
    assert page.count('class="hours-row">16:00–18:30') == 2


def test_overlapping_opening_hours_in_one_timetable_get_409(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/hours", data={"weekdays": ["0"], "start": "09:00", "end": "10:00"}
    )
    assert response.status_code == 409


def test_opening_hours_need_a_weekday_and_sane_times(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/hours", data={"start": "18:00", "end": "16:00"}
    )
    assert response.status_code == 422


def test_closure_over_bookings_lists_them_and_asks_before_cancelling(manager_client, managed):
    organiser = factories.user(roles=("coordinator",))
    day = next_monday()
    held = factories.booking(
        managed.rooms[0], at(day, "16:00"), at(day, "17:00"), title="书法课", organiser=organiser
    )
    data = {
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "reason": "停电检修",
        "room_id": "",
    }
    response = manager_client.post(f"/homes/{managed.id}/closures", data=data, headers=HX)
    assert response.status_code == 409
    assert "书法课" in response.text and 'name="cancel_affected"' in response.text
    assert db.session.scalar(select(func.count()).select_from(Closure)) == 0

    response = manager_client.post(
        f"/homes/{managed.id}/closures", data={**data, "cancel_affected": "1"}, headers=HX
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Occurrence, held.id).status == "cancelled"
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == organiser.email and "停电检修" in message.body


def test_closing_a_room_with_bookings_asks_then_cancels(manager_client, managed):
    room = managed.rooms[0]
    held = factories.booking(room, at(next_monday(), "16:00"), at(next_monday(), "17:00"))
    prefix = f"room{room.id}-"
    data = {prefix + "name": room.name, prefix + "capacity": "20"}  # bookable unticked
    response = manager_client.post(f"/homes/{managed.id}/rooms/{room.id}", data=data, headers=HX)
    assert response.status_code == 409
    assert held.event.title in response.text
    db.session.expire_all()
    assert db.session.get(type(room), room.id).bookable is True

    data[prefix + "requires_approval"] = "y"
    response = manager_client.post(
        f"/homes/{managed.id}/rooms/{room.id}", data={**data, "cancel_affected": "1"}, headers=HX
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(room), room.id).bookable is False
    assert db.session.get(Occurrence, held.id).status == "cancelled"


def test_approving_twice_gets_409_the_second_time(manager_client, managed):
    day = next_monday()
    requested = factories.booking(
        managed.rooms[1], at(day, "10:00"), at(day, "11:00"), status="requested"
    )
    assert requested.event.title in manager_client.get(f"/homes/{managed.id}/approvals").text
    url = f"/homes/{managed.id}/bookings/{requested.id}/approve"
    assert manager_client.post(url).status_code == 303
    response = manager_client.post(url, headers=HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#messages"


def test_move_and_cancel_one_date(manager_client, managed):
    day = next_monday()
    held = factories.booking(managed.rooms[0], at(day, "10:00"), at(day, "11:00"))
    base = f"/homes/{managed.id}/bookings/{held.id}"
    assert manager_client.get(base).status_code == 200
    response = manager_client.post(
        base + "/move", data={"date": day.isoformat(), "start": "12:00", "end": "13:00"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Occurrence, held.id).starts_at == at(day, "12:00")
    assert (
        manager_client.post(
            base + "/move", data={"date": day.isoformat(), "start": "13:00", "end": "12:00"}
        ).status_code
        == 422
    )
    assert manager_client.post(base + "/cancel").status_code == 303
    assert manager_client.post(base + "/cancel").status_code == 409


def test_children_sign_up_for_video_call_slots(manager_client, managed):
    day = next_monday()
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(
            managed.rooms[1].id,
            day,
            "10:00",
            "11:00",
            kind="video_call",
            capacity=2,
            slot_minutes="20",
        ),
    )
    assert response.status_code == 303
    occurrence = db.session.scalar(select(Occurrence))
    slot = occurrence.call_slots[0]
    url = f"/homes/{managed.id}/bookings/{occurrence.id}/slots/{slot.id}"
    # A child record of the home, never free text: typed initials are refused, nothing stored.
    refused = manager_client.post(url, data={"child_label": "张小明 13800138000"})
    assert refused.status_code == 422 and "选择" in refused.text
    assert occurrence.call_slots[0].child_label is None
    mine = factories.child(pseudonym="小草", home=managed)
    elsewhere = factories.child(pseudonym="小树")
    page = manager_client.get(f"/homes/{managed.id}/bookings/{occurrence.id}").text
    assert f'<option value="{mine.id}">小草</option>' in page and "小树" not in page
    assert manager_client.post(url, data={"child_id": str(elsewhere.id)}).status_code == 422
    assert manager_client.post(url, data={"child_id": str(mine.id)}).status_code == 303
    assert manager_client.post(url, data={"child_id": str(mine.id)}).status_code == 409
    db.session.refresh(occurrence.call_slots[0])
    assert (occurrence.call_slots[0].child_id, occurrence.call_slots[0].child_label) == (
        mine.id,
        "小草",
    )
    assert "小草" in manager_client.get(f"/homes/{managed.id}/bookings/{occurrence.id}").text


def test_outbox_is_visible_to_coordinators(coordinator_client):
    response = coordinator_client.get("/homes/outbox", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/notifications/outbox"


def test_outbox_is_not_for_home_managers(manager_client):
    assert manager_client.get("/homes/outbox").status_code == 403


def test_posts_without_csrf_token_are_refused(manager_client, managed, csrf_enabled):
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(managed.rooms[0].id, next_monday(), "16:00", "17:00"),
    )
    assert response.status_code == 400
    assert occurrences() == 0


def test_coordinator_creates_a_home_with_a_manager(coordinator_client):
    manager = factories.user(roles=("home_manager",))
    village = factories.place(name="石门村")
    response = coordinator_client.post(
        "/homes/new",
        data={
            "name": "新建之家",
            "place_id": str(village.id),
            "address": "村委会二楼",
            "lat": "26.6",
            "lon": "107.5",
            "timezone": "Asia/Shanghai",
            "managers": [str(manager.id)],
        },
    )
    assert response.status_code == 303
    from webapp.models import Home

    home = db.session.scalar(select(Home).where(Home.name == "新建之家"))
    assert [m.id for m in home.managers] == [manager.id] and home.place_id == village.id


def test_home_with_a_taken_name_or_bad_time_zone_is_refused(coordinator_client):
    factories.home(name="已有之家")
    taken = coordinator_client.post(
        "/homes/new", data={"name": "已有之家", "timezone": "Asia/Shanghai"}
    )
    assert taken.status_code == 409
    bad_zone = coordinator_client.post(
        "/homes/new", data={"name": "新之家", "timezone": "Mars/Base"}
    )
    assert bad_zone.status_code == 422


def test_managers_may_not_create_homes(manager_client):
    assert manager_client.get("/homes/new").status_code == 403


def test_manager_edits_own_home_but_cannot_change_its_managers(manager_client, managed):
    intruder = factories.user(roles=("home_manager",))
    response = manager_client.post(
        f"/homes/{managed.id}/edit",
        data={
            "name": managed.name,
            "timezone": "Asia/Urumqi",
            "notes": "周二周四放学后开放",
            "managers": [str(intruder.id)],
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert managed.timezone == "Asia/Urumqi" and managed.notes == "周二周四放学后开放"
    assert [m.id for m in managed.managers] == [manager_client.user.id]


def test_manager_adds_a_room(manager_client, managed):
    response = manager_client.post(
        f"/homes/{managed.id}/rooms",
        data={"name": "图书角", "kind": "library", "capacity": "15", "bookable": "y"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert [r.name for r in managed.rooms][-1] == "图书角"
    bad = manager_client.post(f"/homes/{managed.id}/rooms", data={"name": "", "kind": "pool"})
    assert bad.status_code == 422


def test_a_room_named_after_its_kind_does_not_say_it_twice(manager_client, managed):
    for name in ("图书角", "二楼阅览室"):
        response = manager_client.post(
            f"/homes/{managed.id}/rooms",
            data={"name": name, "kind": "library", "capacity": "15", "bookable": "y"},
        )
        assert response.status_code == 303
    page = manager_client.get(f"/homes/{managed.id}", headers={"Accept-Language": "zh-CN"}).text
    assert "<h3>图书角</h3>" in page
    assert "<h3>二楼阅览室 <small>图书角</small></h3>" in page


def test_home_overview_shows_rooms_timetable_and_pending_approvals(manager_client, managed):
    day = next_monday()
    factories.booking(managed.rooms[1], at(day, "10:00"), at(day, "11:00"), status="requested")
    page = manager_client.get(f"/homes/{managed.id}").text
    assert managed.rooms[0].name in page and "08:00–20:00" in page
    assert f"/homes/{managed.id}/approvals" in page


def test_opening_hours_and_closures_can_be_removed(manager_client, managed):
    row = managed.opening_hours[0]
    response = manager_client.post(f"/homes/{managed.id}/hours/{row.id}/delete")
    assert response.status_code == 303
    closure = factories.closure(managed, next_monday(), next_monday(), "义诊")
    assert (
        manager_client.post(f"/homes/{managed.id}/closures/{closure.id}/delete").status_code == 303
    )
    db.session.expire_all()
    assert len(managed.opening_hours) == 5 and not managed.closures
    assert manager_client.post(f"/homes/{managed.id}/hours/99999/delete").status_code == 404


def test_decline_with_a_reason_and_cancel_a_series_over_http(manager_client, managed):
    organiser = factories.user(roles=("coordinator",))
    day = next_monday()
    requested = factories.booking(
        managed.rooms[1],
        at(day, "10:00"),
        at(day, "11:00"),
        status="requested",
        organiser=organiser,
    )
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/{requested.id}/decline",
        data={"reason": "当天有家长会", "next_page": "approvals"},
    )
    assert response.status_code == 303 and response.location.endswith("/approvals")
    db.session.expire_all()
    assert requested.status == "declined" and requested.note == "当天有家长会"
    assert "当天有家长会" in db.session.scalar(select(OutboxMessage)).body

    manager_client.post(
        f"/homes/{managed.id}/bookings/new",
        data=booking_form(
            managed.rooms[0].id, day, "16:00", "17:00", repeat="y", weekdays=["0", "2"], count="4"
        ),
    )
    first = db.session.scalar(select(Occurrence).where(Occurrence.room_id == managed.rooms[0].id))
    response = manager_client.post(f"/homes/{managed.id}/bookings/{first.id}/cancel-series")
    assert response.status_code == 303
    statuses = db.session.scalars(
        select(Occurrence.status).where(Occurrence.room_id == managed.rooms[0].id)
    ).all()
    assert statuses == ["cancelled"] * 4


@pytest.mark.parametrize("next_page", ["", "approvals"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_without_a_reason_changes_nothing_and_asks_for_one(
    manager_client, managed, next_page, reason
):
    organiser = factories.user(roles=("coordinator",))
    day = next_monday()
    requested = factories.booking(
        managed.rooms[1], at(day, "10:00"), at(day, "11:00"), status="requested",
        organiser=organiser,
    )  # fmt: skip
    response = manager_client.post(
        f"/homes/{managed.id}/bookings/{requested.id}/decline",
        data={"reason": reason, "next_page": next_page},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text and "请说明原因" in response.text
    db.session.expire_all()
    assert requested.status == "requested"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_decline_reason_shows_on_the_booking_and_reaches_the_organiser(manager_client, managed):
    organiser = factories.user(roles=("coordinator",))
    day = next_monday()
    requested = factories.booking(
        managed.rooms[1], at(day, "10:00"), at(day, "11:00"), status="requested",
        organiser=organiser,
    )  # fmt: skip
    page = manager_client.get(f"/homes/{managed.id}/approvals").text
    assert f'id="decline-reason-{requested.id}"' in page and "required" in page
    manager_client.post(
        f"/homes/{managed.id}/bookings/{requested.id}/decline", data={"reason": "教室要粉刷"}
    )
    page = manager_client.get(f"/homes/{managed.id}/bookings/{requested.id}").text
    assert "已拒绝" in page and "教室要粉刷" in page
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_user_id == organiser.id and "教室要粉刷" in message.body


def test_pages_render_in_english_too(manager_client, managed):
    manager_client.post("/auth/language", data={"locale": "en"})
    day = next_monday()
    factories.booking(managed.rooms[0], at(day, "10:00"), at(day, "11:00"), title="Reading")
    for path in ["", "/week", "/month", "/list", "/hours", "/closures", "/bookings/new"]:
        response = manager_client.get(f"/homes/{managed.id}{path}?date={day}")
        assert response.status_code == 200, path
    assert "Opening hours" in manager_client.get(f"/homes/{managed.id}/hours").text


def test_only_the_homes_managers_approve(coordinator_client):
    home = factories.home()
    day = next_monday()
    requested = factories.booking(
        home.rooms[0], at(day, "10:00"), at(day, "11:00"), status="requested"
    )
    assert "The home's managers decide." in coordinator_client.get(
        f"/homes/{home.id}/approvals"
    ).text or ("由之家管理员决定" in coordinator_client.get(f"/homes/{home.id}/approvals").text)
    url = f"/homes/{home.id}/bookings/{requested.id}"
    assert coordinator_client.post(url + "/approve").status_code == 403
    assert coordinator_client.post(url + "/decline").status_code == 403
    db.session.expire_all()
    assert requested.status == "requested"


def _book_series(client, home, weeks: int = 3):
    data = booking_form(
        home.rooms[0].id, next_monday(), "16:00", "17:00", repeat="y", weekdays=["0"], count=weeks
    )
    assert client.post(f"/homes/{home.id}/bookings/new", data=data).status_code == 303
    return db.session.scalars(select(Occurrence).order_by(Occurrence.starts_at)).all()


def test_editing_details_changes_every_date_and_tells_the_organiser(
    manager_client, coordinator_client, managed
):
    dates = _book_series(coordinator_client, managed)
    math = factories.skill("math")
    base = f"/homes/{managed.id}/bookings/{dates[1].id}"
    form = manager_client.get(base + "/edit")
    assert form.status_code == 200 and "数学辅导" in form.text
    response = manager_client.post(
        base + "/edit",
        data={
            "title": "数学与阅读辅导",
            "capacity": "8",
            "age_group": "8-10",
            "need_skill": str(math.id),
            "need_min": "2",
            "need_max": "3",
            "need_vetting": "y",
            "notes": "带练习册",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    event = db.session.get(Occurrence, dates[0].id).event
    assert (event.title, event.capacity, event.age_group, event.notes) == (
        "数学与阅读辅导",
        8,
        "8-10",
        "带练习册",
    )
    assert [(n.skill_id, n.min_headcount, n.max_headcount) for n in event.needs] == [
        (math.id, 2, 3)
    ]
    need_id = event.needs[0].id
    assert all(o.sequence == 1 for o in event.occurrences)  # calendars see a new version
    told = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to_user_id for m in told] == [coordinator_client.user.id]
    # A second edit keeps the need row (plans will refer to it); removing the need deletes it.
    edit = {"title": "数学与阅读辅导", "capacity": "8", "need_skill": str(math.id), "need_min": "1"}
    assert manager_client.post(base + "/edit", data=edit).status_code == 303
    db.session.expire_all()
    assert [(n.id, n.min_headcount) for n in event.needs] == [(need_id, 1)]
    del edit["need_skill"], edit["need_min"]
    assert manager_client.post(base + "/edit", data=edit).status_code == 303
    db.session.expire_all()
    assert event.needs == [] and db.session.scalar(select(func.count()).select_from(Need)) == 0


def test_editing_details_over_the_rooms_capacity_is_422_and_changes_nothing(
    manager_client, managed
):
    dates = _book_series(manager_client, managed, weeks=1)
    base = f"/homes/{managed.id}/bookings/{dates[0].id}/edit"
    too_many = managed.rooms[0].capacity + 1
    response = manager_client.post(base, data={"title": "新标题", "capacity": str(too_many)})
    assert response.status_code == 422 and "新标题" in response.text
    response = manager_client.post(base, data={"title": "", "capacity": "5"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Occurrence, dates[0].id).event.title == "数学辅导"


def test_editing_another_homes_event_is_404(manager_client, managed):
    other = factories.home()
    theirs = factories.booking(
        other.rooms[0], at(next_monday(), "10:00"), at(next_monday(), "11:00")
    )
    response = manager_client.post(
        f"/homes/{other.id}/bookings/{theirs.id}/edit", data={"title": "x", "capacity": "1"}
    )
    assert response.status_code == 404


def test_removing_opening_hours_asks_first_and_one_tap_removes_nothing(manager_client, managed):
    row = managed.opening_hours[0]
    page = manager_client.get(f"/homes/{managed.id}/hours").text
    link = f'href="/homes/{managed.id}/hours/{row.id}/delete"'
    assert link in page and "hx-confirm=" in page  # a link to the question, not a POST form
    ask = manager_client.get(f"/homes/{managed.id}/hours/{row.id}/delete")
    assert ask.status_code == 200 and 'id="delete-hours-form"' in ask.text
    db.session.expire_all()
    assert len(managed.opening_hours) == 6
    assert manager_client.post(f"/homes/{managed.id}/hours/{row.id}/delete").status_code == 303
    db.session.expire_all()
    assert len(managed.opening_hours) == 5


def test_the_closures_table_reads_from_and_until(manager_client, managed):
    factories.closure(managed, next_monday(), next_monday() + timedelta(days=2), "停电")
    page = manager_client.get(f"/homes/{managed.id}/closures").get_data(as_text=True)
    header = page[page.index("<thead>") : page.index("</thead>")]
    assert ">至<" in header and "收件人" not in header


def test_a_series_reads_its_weekdays_as_a_list_in_the_readers_language(manager_client, managed):
    room = managed.rooms[0]
    event = factories.series(room, first_date=next_monday(), weekdays=(1, 3), count=4)
    occurrence = event.occurrences[0]
    url = f"/homes/{managed.id}/bookings/{occurrence.id}"
    manager_client.user.locale = "zh_CN"
    db.session.commit()
    assert "每周 周二、周四" in manager_client.get(url).get_data(as_text=True)
    manager_client.user.locale, event.interval_weeks = "en", 2
    db.session.commit()
    english = manager_client.get(url).get_data(as_text=True)
    assert "Every 2 weeks on Tuesday, Thursday" in english and "week(s)" not in english


def test_removing_a_closure_asks_first(manager_client, managed):
    closure = factories.closure(managed, next_monday(), next_monday(), "义诊")
    page = manager_client.get(f"/homes/{managed.id}/closures").text
    assert f'href="/homes/{managed.id}/closures/{closure.id}/delete"' in page
    ask = manager_client.get(f"/homes/{managed.id}/closures/{closure.id}/delete")
    assert ask.status_code == 200 and 'id="confirm-form"' in ask.text and "义诊" in ask.text
    db.session.expire_all()
    assert len(managed.closures) == 1


def test_a_video_call_room_says_how_many_calls_it_holds_at_once(manager_client, managed):
    room = factories.room(home=managed, kind="video_call", name="亲情视频室")
    prefix = f"room{room.id}-"
    data = {prefix + "name": room.name, prefix + "capacity": "4", prefix + "bookable": "y"}
    response = manager_client.post(
        f"/homes/{managed.id}/rooms/{room.id}",
        data={**data, prefix + "calls_at_once": "2"},
        headers=HX,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(room), room.id).calls_at_once == 2
    response = manager_client.post(
        f"/homes/{managed.id}/rooms/{room.id}",
        data={**data, prefix + "calls_at_once": "0"},
        headers=HX,
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(type(room), room.id).calls_at_once == 2
