"""The published video-call rota on the home's week (to its staff only), on the manager's
printable week list (phones to staff, a call marked held or not held), and on the child's card."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.world import login
from webapp.blueprints.children import duties
from webapp.blueprints.homes import availability as av
from webapp.blueprints.homes import call_rota
from webapp.clock import today
from webapp.extensions import db
from webapp.models import CareLog
from webapp.models.child_care import ChildDuty


def _published_rota(home, manager, *, day=None, start="19:30", state="published"):
    """Two siblings with a call on `day`'s weekday (today unless told) in the home's video-call
    room, in a published rota whose booking holds that date."""
    day = day or today()
    room = next(r for r in home.rooms if r.kind == "video_call")
    programme = factories.call_programme(homes=(home,), starts_on=day - timedelta(days=7))
    a = factories.child(home=home, pseudonym="小花")
    b = factories.child(home=home, pseudonym="小草")
    a.guardian_phone = "13800000001"
    factories.household(children=(a, b))
    plan = factories.call_plan(programme, state=state)
    for child in (a, b):
        factories.call_placement(plan, child, room, weekday=day.weekday(), start=start)
    hours, minutes = (int(x) for x in start.split(":"))
    begin = hours * 60 + minutes
    occurrence = factories.booking(
        room,
        av.to_utc(home, day, begin),
        av.to_utc(home, day, begin + 20),
        kind="video_call",
        title="亲情视频",
    )
    occurrence.event.notes = f"rota:{programme.id}"
    db.session.commit()
    return room, (a, b)


def _week_of(day):
    return (day - timedelta(days=day.weekday())).isoformat()


def test_the_week_shows_the_calls_with_siblings_together_to_the_manager(app, home, manager):
    _published_rota(home, manager, start="18:30")
    client = login(app.test_client(), manager)
    html = client.get(f"/homes/{home.id}/week?date={today().isoformat()}").get_data(as_text=True)
    assert '<span class="call-slot">18:30 小花、小草</span>' in html
    assert 'id="week-calls"' in html


def test_a_volunteer_does_not_see_the_week_and_a_proposal_is_not_shown(app, home, manager):
    _published_rota(home, manager, state="proposed")
    client = login(app.test_client(), manager)
    html = client.get(f"/homes/{home.id}/week").get_data(as_text=True)
    assert "call-slot" not in html
    volunteer = login(app.test_client(), factories.user(roles=("volunteer",)))
    assert volunteer.get(f"/homes/{home.id}/week").status_code == 403
    assert volunteer.get(f"/homes/{home.id}/video-calls").status_code == 403


def test_a_date_the_rota_did_not_book_has_no_calls(app, home, manager):
    _published_rota(home, manager)
    next_week = today() + timedelta(weeks=1)
    assert call_rota.week_calls(home, today() - timedelta(days=today().weekday())) != []
    assert call_rota.week_calls(home, next_week - timedelta(days=next_week.weekday())) == []


def test_the_week_list_shows_phones_to_the_manager_and_404_to_another_homes_manager(
    app, home, manager
):
    _published_rota(home, manager)
    client = login(app.test_client(), manager)
    page = client.get(f"/homes/{home.id}/video-calls?week={_week_of(today())}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "小花" in html and "小草" in html and "13800000001" in html
    assert "call-held-button" in html
    other = factories.user(roles=("home_manager",))
    factories.home(managers=(other,))
    stranger = login(app.test_client(), other)
    assert stranger.get(f"/homes/{home.id}/video-calls").status_code == 404
    assert (
        stranger.post(
            f"/homes/{home.id}/video-calls/held",
            data={"date": today().isoformat(), "room_id": "1", "start": "1170"},
        ).status_code
        == 404
    )


def test_held_records_a_video_call_for_each_child_and_completes_the_duty(app, home, manager):
    room, (a, b) = _published_rota(home, manager, start="00:10")
    duties.set_card_duty(a, "video_call", True, manager, today=today() - timedelta(days=3))
    db.session.commit()
    client = login(app.test_client(), manager)
    response = client.post(
        f"/homes/{home.id}/video-calls/held",
        data={"date": today().isoformat(), "room_id": str(room.id), "start": "10", "held": "yes"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    logs = db.session.scalars(select(CareLog).where(CareLog.kind == "video_call")).all()
    assert sorted(log.child_id for log in logs) == sorted([a.id, b.id])
    assert all(log.happened_on == today() and log.author_id == manager.id for log in logs)
    duty = db.session.scalar(select(ChildDuty).where(ChildDuty.child_id == a.id))
    assert duty.last_done_on == today()
    assert next(log for log in logs if log.child_id == a.id).duty_id == duty.id
    html = client.get(f"/homes/{home.id}/video-calls?week={_week_of(today())}").get_data(
        as_text=True
    )
    assert "call-held" in html and "call-held-button" not in html
    # Pressed twice, nothing more is written.
    client.post(
        f"/homes/{home.id}/video-calls/held",
        data={"date": today().isoformat(), "room_id": str(room.id), "start": "10"},
    )
    assert len(db.session.scalars(select(CareLog)).all()) == 2


def test_not_held_keeps_the_reason_and_writes_no_contact(app, home, manager):
    room, _children = _published_rota(home, manager, start="00:10")
    client = login(app.test_client(), manager)
    client.post(
        f"/homes/{home.id}/video-calls/held",
        data={
            "date": today().isoformat(),
            "room_id": str(room.id),
            "start": "10",
            "held": "no",
            "reason": "parents_unreachable",
        },
    )
    assert db.session.scalar(select(CareLog.id)) is None
    html = client.get(f"/homes/{home.id}/video-calls?week={_week_of(today())}").get_data(
        as_text=True
    )
    assert "call-not-held" in html and "联系不上家长" in html


def test_a_call_cannot_be_held_before_its_day(app, home, manager):
    day = today() + timedelta(days=2)
    room, _children = _published_rota(home, manager, day=day)
    client = login(app.test_client(), manager)
    client.post(
        f"/homes/{home.id}/video-calls/held",
        data={"date": day.isoformat(), "room_id": str(room.id), "start": str(19 * 60 + 30)},
    )
    assert db.session.scalar(select(CareLog.id)) is None


def test_the_card_shows_the_weekly_slot_and_whether_this_weeks_call_was_held(app, home, manager):
    room, (a, _b) = _published_rota(home, manager, day=today(), start="19:30")
    client = login(app.test_client(), manager)
    html = client.get(f"/children/{a.id}").get_data(as_text=True)
    assert 'id="card-rota"' in html and "19:30" in html and room.name in html
    assert 'id="card-rota-not-held"' in html
    call_rota.mark_held(home, today(), room.id, 19 * 60 + 30, manager)
    db.session.commit()
    html = client.get(f"/children/{a.id}").get_data(as_text=True)
    assert 'id="card-rota-held"' in html
