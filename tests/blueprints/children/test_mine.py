"""My children: a carer's children, overdue first, and a contact recorded in one form or one tap
that completes the duty it answers; nobody else's child."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.world import login
from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog
from webapp.models.child_care import ChildDuty


def _carer(app, kind="surrogate_parent"):
    user = factories.user(roles=("volunteer",))
    profile = factories.volunteer(kind=kind, user=user)
    return login(app.test_client(), user), profile


def test_my_children_lists_the_overdue_first_with_one_tap_to_record(app):
    client, profile = _carer(app)
    today = clock.today()
    fine = factories.pairing(
        volunteer=profile, child=factories.child(pseudonym="安好"), started_on=today
    )
    late = factories.pairing(
        volunteer=profile,
        child=factories.child(pseudonym="逾期"),
        started_on=today - timedelta(days=35),
    )
    factories.pairing(child=factories.child(pseudonym="别人的"))
    page = client.get("/children/mine").text
    assert page.index("逾期") < page.index("安好") and "别人的" not in page
    assert f'id="my-child-{late.child_id}" data-overdue="yes"' in page
    assert f'id="my-child-{fine.child_id}" data-overdue="no"' in page
    talk = db.session.scalar(
        select(ChildDuty).where(ChildDuty.pairing_id == late.id, ChildDuty.kind == "weekly_talk")
    )
    one_tap = {
        "child_id": late.child_id,
        "kind": "talk",
        "duty_id": talk.id,
        "happened_on": today.isoformat(),
    }
    assert client.post("/children/mine/contacts", data=one_tap).status_code == 303
    db.session.expire_all()
    assert talk.last_done_on == today and talk.state(today) == "soon"  # next week
    log = db.session.scalar(select(CareLog))
    assert (log.child_id, log.pairing_id, log.duty_id, log.volunteer_id) == (
        late.child_id,
        late.id,
        talk.id,
        profile.id,
    )


def test_the_short_form_finds_the_duty_itself_and_refuses_bad_input(app):
    client, profile = _carer(app, kind="teacher")
    made = factories.pairing(volunteer=profile, role="teacher")
    url = "/children/mine/contacts"
    today = clock.today()
    future = {
        "child_id": made.child_id,
        "kind": "talk",
        "happened_on": (today + timedelta(days=1)).isoformat(),
    }
    refused = client.post(url, data=future)
    assert refused.status_code == 422 and "不能" in refused.text
    assert client.post(url, data={**future, "kind": "dance"}).status_code == 422
    assert db.session.scalar(select(CareLog)) is None
    ok = client.post(url, data={**future, "happened_on": today.isoformat(), "note": "聊了  考试"})
    assert ok.status_code == 303
    db.session.expire_all()
    duty = db.session.scalar(select(ChildDuty).where(ChildDuty.pairing_id == made.id))
    assert duty.kind == "teacher_talk" and duty.last_done_on == today
    assert db.session.scalar(select(CareLog.note)) == "聊了 考试"


def test_a_carer_cannot_record_for_a_child_not_paired_with_them(app):
    client, profile = _carer(app)
    other = factories.pairing()
    data = {"child_id": other.child_id, "kind": "talk", "happened_on": clock.today().isoformat()}
    assert client.post("/children/mine/contacts", data=data).status_code == 404
    assert client.get(f"/children/{other.child_id}").status_code == 404
    assert db.session.scalar(select(CareLog)) is None


def test_a_held_video_call_counts_as_the_weeks_call_and_shows_on_the_card(app):
    from datetime import UTC, datetime, time

    from webapp.blueprints.children.duties import set_card_duty
    from webapp.clock import CHINA
    from webapp.models import CallSlot

    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    child = factories.child(home=home, pseudonym="视频童")
    set_card_duty(child, "video_call", True, manager, clock.today() - timedelta(days=20))
    db.session.commit()
    day = clock.today() - timedelta(days=1)
    starts = datetime.combine(day, time(10), CHINA).astimezone(UTC)
    call = factories.booking(
        factories.room(home=home, kind="video_call"),
        starts,
        starts + timedelta(hours=1),
        kind="video_call",
    )
    db.session.add(
        CallSlot(
            occurrence_id=call.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=15),
            child_id=child.id,
            child_label=child.pseudonym,
        )
    )
    db.session.commit()
    client = login(app.test_client(), manager)
    page = client.get(f"/children/{child.id}").text
    assert 'id="card-calls"' in page and home.name in page.split('id="card-calls"')[1]
    db.session.expire_all()
    duty = db.session.scalar(select(ChildDuty).where(ChildDuty.kind == "video_call"))
    assert duty.last_done_on == day and duty.state(clock.today()) != "overdue"
    client.get(f"/children/{child.id}")
    assert db.session.scalar(select(func.count()).select_from(CareLog)) == 1
