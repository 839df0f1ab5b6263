"""A child's data: reading it is audited; a coordinator exports or erases it; it never reaches
calendar feeds, volunteer exports, the audit log's details or the logs."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from flask import url_for
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tests.conftest import AuthActions
from webapp.blueprints.feeds import tokens
from webapp.clock import CHINA, today
from webapp.extensions import db
from webapp.models import AuditLog, CallSlot, CareLog, Child, Pairing, Volunteer
from webapp.models.children import Household
from webapp.models.video_calls import ChildWeeklyTime

PSEUDONYM = "童QZX"
NOTE = "秘密笔记MARKER"


@pytest.fixture
def paired(app):
    """A child paired with a surrogate parent who has an account, and a contact with a note."""
    person = factories.user(roles=("volunteer",))
    volunteer = factories.volunteer(kind="surrogate_parent", user=person, name="李秀兰")
    child = factories.child(pseudonym=PSEUDONYM)
    pairing = factories.pairing(volunteer=volunteer, child=child)
    factories.care_log(pairing=pairing, note=NOTE)
    return {"person": person, "child_id": child.id, "pairing_id": pairing.id}


def _views(child_id: int) -> list[AuditLog]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditLog).where(AuditLog.action == "child.view", AuditLog.object_id == child_id)
        )
    )


def test_reading_a_childs_record_is_audited_with_who_read_it(coordinator_client, paired):
    assert coordinator_client.get(f"/children/{paired['child_id']}/edit").status_code == 200
    (entry,) = _views(paired["child_id"])
    assert entry.actor_id == coordinator_client.user.id and entry.after == {"via": "record"}


def test_the_paired_volunteer_reading_the_pairing_is_audited_too(app, paired):
    client = app.test_client()
    AuthActions(client).login(paired["person"].email)
    assert client.get(f"/children/pairings/{paired['pairing_id']}").status_code == 200
    (entry,) = _views(paired["child_id"])
    assert entry.actor_id == paired["person"].id
    assert entry.after == {"via": "pairing", "pairing_id": paired["pairing_id"]}


def test_a_refused_reading_is_not_logged_as_a_reading(volunteer_client, paired):
    assert volunteer_client.get(f"/children/pairings/{paired['pairing_id']}").status_code == 404
    assert _views(paired["child_id"]) == []


def test_a_coordinator_exports_everything_about_one_child(coordinator_client, paired):
    response = coordinator_client.get(f"/children/{paired['child_id']}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["child"]["pseudonym"] == PSEUDONYM
    (pairing,) = data["pairings"]
    assert pairing["surrogate_parent"] == "李秀兰"
    assert [c["note"] for c in pairing["contacts"]] == [NOTE]
    exports = select(func.count()).where(AuditLog.action == "child.export")
    assert db.session.scalar(exports) == 1


@pytest.mark.parametrize("who", ["volunteer_client", "manager_client", "admin_client"])
def test_only_coordinators_export_or_erase(request, paired, who):
    client = request.getfixturevalue(who)
    child_id = paired["child_id"]
    assert client.get(f"/children/{child_id}/export.json").status_code == 403
    erase = client.post(f"/children/{child_id}/erase", data={"confirm": "erase"})
    assert erase.status_code == 403


def test_erasing_keeps_the_counts_and_nothing_personal(coordinator_client, paired):
    child_id = paired["child_id"]
    unconfirmed = coordinator_client.post(f"/children/{child_id}/erase")
    assert unconfirmed.status_code == 422
    response = coordinator_client.post(f"/children/{child_id}/erase", data={"confirm": "erase"})
    assert response.status_code == 303
    db.session.expire_all()
    child = db.session.get(Child, child_id)
    assert child.erased_at is not None and child.pseudonym == f"#{child_id}"
    assert not child.guardian_consent and child.consent_on is None
    assert child.age_band and child.home_id  # what reports count by
    pairing = db.session.get(Pairing, paired["pairing_id"])
    assert pairing.ended_on is not None
    assert db.session.scalar(select(func.count()).select_from(CareLog)) == 0
    page = coordinator_client.get("/children/").get_data(as_text=True)
    assert PSEUDONYM not in page
    assert coordinator_client.get(f"/children/{child_id}/edit").status_code == 404
    assert coordinator_client.get(f"/children/{child_id}/export.json").status_code == 404
    erased = select(AuditLog.after).where(AuditLog.action == "child.erase")
    assert db.session.scalar(erased) == {
        "pairings_ended": 1,
        "contacts": 1,
        "duties": 2,
        "goals": 0,
        "attendance": 0,
        "weekly_times": 0,
        "call_slots": 0,
    }


def test_erasing_deletes_the_weekly_times_and_takes_the_child_out_of_the_household(
    coordinator_client, paired
):
    child = db.session.get(Child, paired["child_id"])
    sibling = factories.child(pseudonym="姐姐", home=child.home)
    household = Household(label="石门村 三组 1", village="石门村", lat=27.1, lon=109.2)
    child.household = sibling.household = household
    for owner in (child, sibling):
        db.session.add(
            ChildWeeklyTime(
                child_id=owner.id, kind="parents", weekday=5, start_minute=1200, end_minute=1290
            )
        )
    db.session.add(
        ChildWeeklyTime(
            child_id=child.id, kind="school", weekday=0, start_minute=480, end_minute=1020
        )
    )
    db.session.commit()
    exported = coordinator_client.get(f"/children/{child.id}/export.json").get_json()
    assert exported["household"] == {"label": "石门村 三组 1", "village": "石门村"}
    assert {t["kind"] for t in exported["weekly_times"]} == {"parents", "school"}

    response = coordinator_client.post(f"/children/{child.id}/erase", data={"confirm": "erase"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    owners = db.session.scalars(select(ChildWeeklyTime.child_id)).all()
    assert owners == [sibling.id]  # the sibling's times are the sibling's
    child = db.session.get(Child, paired["child_id"])
    assert child.household_id is None
    # The household stays (it holds no name), with the sibling in it.
    assert [c.id for c in db.session.get(Household, household.id).children] == [sibling.id]
    erased = select(AuditLog.after).where(AuditLog.action == "child.erase")
    assert db.session.scalar(erased)["weekly_times"] == 2


def test_an_erased_child_cannot_be_paired_again(coordinator_client, paired):
    child_id = paired["child_id"]
    coordinator_client.post(f"/children/{child_id}/erase", data={"confirm": "erase"})
    other = factories.volunteer(kind="surrogate_parent")
    response = coordinator_client.post(
        "/children/pairings/new", data={"volunteer_id": other.id, "child_id": child_id}
    )
    assert response.status_code == 422


# --- never in exports, feeds, audit details or logs -----------------------------------------------


def _ics_endpoints(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".ics"))


def _has_child_data(text: str) -> bool:
    return PSEUDONYM in text or NOTE in text


def test_volunteer_exports_carry_no_childrens_data(coordinator_client, paired):
    csv_text = coordinator_client.get("/volunteers/export.csv").get_data(as_text=True)
    assert "李秀兰" in csv_text and not _has_child_data(csv_text)
    sheet = load_workbook(io.BytesIO(coordinator_client.get("/volunteers/export.xlsx").data))
    cells = " ".join(str(c) for row in sheet.worksheets[0].iter_rows(values_only=True) for c in row)
    assert "李秀兰" in cells and not _has_child_data(cells)


def test_calendar_feeds_carry_no_childrens_data(app, paired):
    """The child's home holds a video call with the child's slot and a session the parent signed
    up for; the parent is in a team: every feed (volunteer, home, team) and the one-event file."""
    assert _ics_endpoints(app) == ["feeds.feed", "schedule.event_ics"], "a new feed: read it here"
    child = db.session.get(Child, paired["child_id"])
    starts = datetime.combine(today() + timedelta(days=3), time(10), CHINA).astimezone(UTC)
    call = factories.booking(
        factories.room(home=child.home, kind="video_call"),
        starts,
        starts + timedelta(hours=1),
        title="亲情视频",
        kind="video_call",
    )
    db.session.add(
        CallSlot(
            occurrence_id=call.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=15),
            child_label=PSEUDONYM,
        )
    )
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == paired["person"].id))
    need, occurrence = factories.open_need(child.home, title="绘本阅读会")
    factories.assignment(volunteer, need=need, occurrence=occurrence)
    team = factories.team(members=(volunteer,))
    db.session.commit()
    with app.test_request_context("/"):
        urls = [
            url_for("feeds.feed", token=tokens.token_of(tokens.ensure(kind, owner, None)))
            for kind, owner in (
                ("volunteer", volunteer.id),
                ("home", child.home_id),
                ("team", team.id),
            )
        ]
    db.session.commit()
    client = app.test_client()
    bodies = [client.get(url).get_data(as_text=True) for url in urls]
    assert all("BEGIN:VCALENDAR" in body for body in bodies)
    assert "绘本阅读会" in bodies[0] and "亲情视频" not in bodies[1]
    parent = app.test_client()
    AuthActions(parent).login(paired["person"].email)
    key = f"o{occurrence.id}-n{need.id}"
    one = parent.get(f"/me/schedule/{key}.ics").get_data(as_text=True)
    assert "绘本阅读会" in one
    for body in [*bodies, one]:
        assert not _has_child_data(body)


def test_the_audit_log_and_the_logs_never_hold_childrens_data(
    app, coordinator_client, paired, caplog
):
    caplog.set_level(logging.DEBUG)
    child_id = paired["child_id"]
    home_id = str(db.session.get(Child, child_id).home_id)
    volunteer = AuthActions(app.test_client())
    volunteer.login(paired["person"].email)
    coordinator_client.get(f"/children/{child_id}/edit")
    coordinator_client.post(
        f"/children/{child_id}/edit",
        data={"pseudonym": PSEUDONYM + "2", "age_band": "6_to_9", "home_id": home_id},
    )
    coordinator_client.get(f"/children/{child_id}/export.json")
    other = factories.volunteer(kind="surrogate_parent")
    coordinator_client.post(  # refused by the one-active-pairing rule
        "/children/pairings/new", data={"volunteer_id": other.id, "child_id": child_id}
    )
    coordinator_client.post(
        f"/children/pairings/{paired['pairing_id']}/logs",
        data={"happened_on": "2000-01-01", "kind": "talk", "note": NOTE},
    )
    coordinator_client.post(f"/children/{child_id}/erase", data={"confirm": "erase"})
    details = " ".join(
        json.dumps([row.before, row.after], ensure_ascii=False)
        for row in db.session.scalars(select(AuditLog))
    )
    assert not _has_child_data(details)
    assert not re.search("童QZX|MARKER", caplog.text)


def test_erasing_removes_the_card_goals_call_sign_ups_and_attendance(coordinator_client, paired):
    from webapp.models.child_care import CareGoal, ChildAccess, ChildMeeting, MeetingAttendance

    child = db.session.get(Child, paired["child_id"])
    child.real_name, child.guardian_phone, child.priority = "真名", "13800138000", "red"
    starts = datetime.combine(today() + timedelta(days=3), time(10), CHINA).astimezone(UTC)
    call = factories.booking(
        factories.room(home=child.home, kind="video_call"),
        starts,
        starts + timedelta(hours=1),
        kind="video_call",
    )
    slot = CallSlot(
        occurrence_id=call.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=15),
        child_id=child.id,
        child_label=PSEUDONYM,
    )
    meeting = ChildMeeting(kind="children_meeting", home_id=child.home_id, held_on=today())
    meeting.attendance.append(MeetingAttendance(child_id=child.id, guardian_present=True))
    db.session.add_all([slot, meeting, CareGoal(child_id=child.id, goal="交朋友")])
    db.session.commit()
    response = coordinator_client.post(f"/children/{child.id}/erase", data={"confirm": "erase"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (child.real_name, child.guardian_phone, child.priority) == (None, "", None)
    assert (slot.child_id, slot.child_label) == (None, None)
    for model in (CareGoal, MeetingAttendance, CareLog):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.get(ChildMeeting, meeting.id) is not None  # the meeting itself stays
    erased = select(ChildAccess).where(ChildAccess.action == "erase")
    assert db.session.scalar(erased).user_id == coordinator_client.user.id
    assert coordinator_client.get(f"/children/{child.id}").status_code == 404


def test_erasing_through_the_page_leaves_the_counts_already_reported(coordinator_client, paired):
    from webapp.blueprints.children import coverage, reported

    child = db.session.get(Child, paired["child_id"])
    child.report_consent = True
    month = coverage.previous_month(today().replace(day=1))
    pairing = db.session.get(Pairing, paired["pairing_id"])
    factories.care_log(pairing=pairing, kind="visit", happened_on=month + timedelta(days=3))
    db.session.commit()
    before = coverage.month_report(month).total
    assert before.children == 1 and before.visit == 1
    assert reported.close_month(month) is True
    db.session.commit()
    response = coordinator_client.post(f"/children/{child.id}/erase", data={"confirm": "erase"})
    assert response.status_code == 303
    db.session.expire_all()
    assert coverage.month_report(month).total == before
    assert coverage.month_report(today().replace(day=1)).total.children == 0
