"""Duties: a pairing brings its duties and ending it ends them; the card sets the guardian call,
the video call and the review; the dashboard, the list and the reminders read the one rule."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.world import login
from webapp import clock
from webapp.blueprints.children import pairing
from webapp.blueprints.notifications.reminders import send_reminders
from webapp.extensions import db
from webapp.models.child_care import ChildDuty


def _duties(child_id: int) -> dict[str, ChildDuty]:
    db.session.expire_all()
    rows = db.session.scalars(select(ChildDuty).where(ChildDuty.child_id == child_id))
    return {d.kind: d for d in rows}


def test_pairing_a_surrogate_parent_makes_a_weekly_talk_and_a_monthly_visit(coordinator_client):
    parent = factories.volunteer(kind="surrogate_parent")
    child = factories.child()
    started = clock.today() - timedelta(days=3)
    response = coordinator_client.post(
        "/children/pairings/new",
        data={
            "role": "surrogate",
            "volunteer_id": parent.id,
            "child_id": child.id,
            "started_on": started.isoformat(),
            "weekly_talk": "y",
            "monthly_visit": "y",
        },
    )
    assert response.status_code == 303
    duties = _duties(child.id)
    assert {k: (d.interval_days, d.due_on) for k, d in duties.items()} == {
        "weekly_talk": (7, started + timedelta(days=7)),
        "monthly_visit": (30, started + timedelta(days=30)),
    }
    made = duties["weekly_talk"].pairing
    assert coordinator_client.post(f"/children/pairings/{made.id}/end").status_code == 303
    assert {d.ended_on for d in _duties(child.id).values()} == {clock.today()}


def test_a_teacher_is_paired_with_the_children_of_their_class_and_talks_monthly(
    coordinator_client,
):
    teacher = factories.volunteer(kind="teacher")
    children = [factories.child() for _ in range(3)]
    for child in children:
        response = coordinator_client.post(
            "/children/pairings/new",
            data={"role": "teacher", "volunteer_id": teacher.id, "child_id": child.id},
        )
        assert response.status_code == 303
    for child in children:
        (duty,) = _duties(child.id).values()
        assert (duty.kind, duty.interval_days) == ("teacher_talk", 30)
    # The same child can have a surrogate parent beside the teacher, but not two teachers.
    second = factories.volunteer(kind="teacher")
    refused = coordinator_client.post(
        "/children/pairings/new",
        data={"role": "teacher", "volunteer_id": second.id, "child_id": children[0].id},
    )
    assert refused.status_code == 422 and "班主任" in refused.text
    parent = factories.volunteer(kind="surrogate_parent")
    as_teacher = coordinator_client.post(
        "/children/pairings/new",
        data={"role": "teacher", "volunteer_id": parent.id, "child_id": children[1].id},
    )
    assert as_teacher.status_code == 422


def test_a_contact_completes_the_duty_it_answers(app):
    today = clock.today()
    made = factories.pairing(started_on=today - timedelta(days=40))
    assert {s.state for s in pairing.duty_statuses(today)[0].duties} == {"overdue"}
    factories.care_log(pairing=made, kind="talk", happened_on=today - timedelta(days=2))
    duties = _duties(made.child_id)
    assert duties["weekly_talk"].last_done_on == today - timedelta(days=2)
    assert duties["weekly_talk"].state(today) == "soon"
    assert duties["monthly_visit"].state(today) == "overdue"


def test_the_dashboard_the_list_and_the_reminders_agree_on_one_child(app):
    """One rule (ChildDuty.state): a child overdue on the dashboard is on the list and reminded."""
    today = clock.today()
    coordinator = factories.user(roles=("coordinator",))
    parent = factories.volunteer_with_login(kind="surrogate_parent")
    late = factories.pairing(
        volunteer=parent,
        child=factories.child(pseudonym="逾期童"),
        started_on=today - timedelta(days=35),
    )
    # Exactly on the due day: not overdue anywhere.
    edge = factories.pairing(
        child=factories.child(pseudonym="当天童"), started_on=today - timedelta(days=7)
    )
    factories.care_log(pairing=edge, kind="visit", happened_on=today)
    client = login(app.test_client(), coordinator)
    dashboard = client.get("/dashboard").text
    assert 'href="/children/">1</a>' in dashboard
    listing = client.get("/children/").text
    table = listing.split('id="overdue-table"')[1].split("</table>")[0]
    rows = re.findall(r'data-child="(\d+)" data-duty="(\d+)"', table)
    overdue = {int(duty) for _, duty in rows}
    assert {int(child) for child, _ in rows} == {late.child_id}
    assert overdue == {d.id for d in _duties(late.child_id).values()}
    assert send_reminders(today).duties == len(overdue) == 2
    db.session.commit()
    assert send_reminders(today).duties == 0
