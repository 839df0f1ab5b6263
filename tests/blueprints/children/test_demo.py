"""The demo county's children: full cards, surrogate parents and teachers, a few overdue duties
(one child with no contact for 35 days), past contacts and video calls, a meeting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.world import login
from webapp import clock
from webapp.blueprints.children.duties import open_duty_states
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import CallSlot, CareLog, Child, Pairing, User
from webapp.models.child_care import ChildMeeting, MeetingAttendance


def test_the_demo_has_cards_carers_overdue_duties_calls_and_a_meeting(app):
    load_demo_county()
    db.session.commit()
    children = {c.pseudonym: c for c in db.session.scalars(select(Child))}
    assert len(children) >= 8
    assert all(c.real_name and c.school and c.guardian_name for c in children.values())
    roles = set(db.session.scalars(select(Pairing.role).distinct()))
    assert roles == {"surrogate", "teacher"}
    quiet = children["小军"]
    last = db.session.scalar(
        select(func.max(CareLog.happened_on)).where(CareLog.child_id == quiet.id)
    )
    assert last == clock.today() - timedelta(days=35)
    overdue = open_duty_states(only_overdue=True)
    assert quiet.id in {s.duty.child_id for s in overdue}
    assert 1 < len({s.duty.child_id for s in overdue}) < len(children)
    assert db.session.scalar(select(func.count()).where(CareLog.kind == "video_call")) > 0
    assert db.session.scalar(select(func.count()).where(CallSlot.child_id.is_not(None))) > 0
    assert db.session.scalar(select(func.count()).select_from(ChildMeeting)) == 2
    assert db.session.scalar(select(func.count()).select_from(MeetingAttendance)) > 3
    volunteer = User.by_email("volunteer@example.org")
    mine = login(app.test_client(), volunteer).get("/children/mine").text
    assert "小军" in mine and 'data-overdue="yes"' in mine
    card = login(app.test_client(), User.by_email("manager@example.org")).get(
        f"/children/{quiet.id}"
    )
    assert card.status_code == 200 and "留守儿童会" in card.text and "******" in card.text
