"""Publishing a video-call rota: the rooms booked weekly (closures and clashes left out), the
plan superseded on a re-publish with its bookings cancelled, the parents told by SMS (only the
changed ones after a re-publish), those without a phone listed; refused with the reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.homes import availability as av
from webapp.blueprints.planning import calls_publishing
from webapp.blueprints.planning.errors import PlanningError
from webapp.clock import today
from webapp.extensions import db
from webapp.models import Event, Occurrence, OutboxMessage, Plan


@pytest.fixture
def sms_to_log(app):
    saved = app.config.get("OUTBOX_TO_LOG")
    app.config.update(OUTBOX_TO_LOG=True)
    yield
    app.config.update(OUTBOX_TO_LOG=saved)


def _rota(weeks: int = 4):
    """A home with a video-call room, two siblings and one other child, a proposal placing
    the siblings Thursday 19:30 and the other child Thursday 19:50."""
    home = factories.home(name="石门村留守儿童之家", rooms=())
    room = factories.room(home=home, kind="video_call", name="亲情视频室")
    programme = factories.call_programme(
        homes=(home,),
        starts_on=today() + timedelta(days=1),
        ends_on=today() + timedelta(weeks=weeks),
    )
    a, b, c = (factories.child(home=home, pseudonym=p) for p in ("小花", "小草", "小树"))
    a.guardian_phone, c.mother_phone = "13800000001", "13900000002"
    factories.household(children=(a, b))
    for child in (a, b, c):
        factories.parents_times(child, weekday=3, start="18:00", end="21:00")
        factories.parents_times(child, weekday=4, start="18:00", end="21:00")
    plan = factories.call_plan(programme)
    for child in (a, b):
        factories.call_placement(plan, child, room, weekday=3, start="19:30")
    factories.call_placement(plan, c, room, weekday=3, start="19:50")
    return programme, plan, room, (a, b, c)


def _thursdays(programme):
    day = programme.starts_on + timedelta(days=(3 - programme.starts_on.weekday()) % 7)
    out = []
    while day <= programme.ends_on:
        out.append(day)
        day += timedelta(weeks=1)
    return out


def _sms():
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "sms").order_by(OutboxMessage.id)
        )
    )


def test_publishing_books_the_room_every_week_from_first_to_last_call(app, sms_to_log):
    programme, plan, room, _children = _rota()
    coordinator = factories.user(roles=("coordinator",))
    done = calls_publishing.publish(plan, coordinator, [])
    db.session.commit()
    (event,) = done.events
    assert (event.kind, event.notes) == ("video_call", f"rota:{programme.id}")
    assert (event.start_minute, event.end_minute) == (19 * 60 + 30, 20 * 60 + 10)
    days = [av.to_local(room.home, o.starts_at).date() for o in event.occurrences]
    assert days == _thursdays(programme)
    assert plan.state == "published" and programme.state == "published"
    assert plan.published_by_id == coordinator.id


def test_a_closed_thursday_is_left_out_and_shown_in_the_preview(app):
    programme, plan, room, _children = _rota()
    closed = _thursdays(programme)[1]
    factories.closure(room.home, closed, closed, reason="清明节")
    (home,) = calls_publishing.preview(plan).homes
    (booking,) = home.bookings
    assert closed not in booking.dates
    assert [(d, "清明节" in why) for d, why in booking.skipped] == [(closed, True)]
    done = calls_publishing.publish(plan, factories.user(roles=("coordinator",)), [])
    days = [av.to_local(room.home, o.starts_at).date() for o in done.events[0].occurrences]
    assert closed not in days and len(days) == len(_thursdays(programme)) - 1


def test_siblings_parents_get_one_sms_and_a_child_without_phone_is_listed(app, sms_to_log):
    programme, plan, room, (a, b, c) = _rota()
    c.mother_phone = ""
    db.session.commit()
    (home,) = calls_publishing.preview(plan).homes
    assert [[x.pseudonym for x in f.children] for f in home.told] == [["小花", "小草"]]
    assert [[x.pseudonym for x in f.children] for f in home.not_told] == [["小树"]]
    done = calls_publishing.publish(plan, factories.user(roles=("coordinator",)), [])
    (message,) = _sms()
    assert message.to_address == "13800000001"
    assert "石门村留守儿童之家" in message.body and "每周四 19:30" in message.body
    assert "小花" not in message.body
    assert [f.children for f in done.not_told] == [[c]]


def test_a_plan_that_is_not_a_proposal_is_refused(app):
    _programme, plan, _room, _children = _rota()
    plan.state = "discarded"
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        calls_publishing.publish(plan, factories.user(roles=("coordinator",)), [])
    assert refused.value.status == 409


def test_problems_refuse_with_the_reasons_and_nothing_is_booked(app):
    _programme, plan, _room, _children = _rota()
    with pytest.raises(PlanningError) as refused:
        calls_publishing.publish(plan, factories.user(roles=("coordinator",)), ["房间超员"])
    assert refused.value.status == 409 and refused.value.details == ["房间超员"]
    assert db.session.scalar(select(Event.id)) is None


def test_rota_problems_find_a_full_room_and_closed_hours(app):
    programme, plan, room, (a, b, c) = _rota()
    assert calls_publishing.rota_problems(plan) == []
    other = factories.child(home=room.home, pseudonym="小石")
    factories.call_placement(plan, other, room, weekday=3, start="19:40")
    factories.opening_hours(room.home, weekdays=(3,), start="08:00", end="20:00")
    problems = calls_publishing.rota_problems(plan)
    assert any("19:40" in p and "2" in p for p in problems)  # two families at 19:40, room holds 1
    assert any("小树" in p for p in problems)  # 19:50-20:10 ends after 20:00


def test_republishing_supersedes_cancels_the_old_bookings_and_tells_only_the_changed(
    app, sms_to_log
):
    programme, plan, room, (a, b, c) = _rota()
    coordinator = factories.user(roles=("coordinator",))
    first = calls_publishing.publish(plan, coordinator, [])
    db.session.commit()
    second = factories.call_plan(programme)
    for child in (a, b):
        factories.call_placement(second, child, room, weekday=3, start="19:30")
    factories.call_placement(second, c, room, weekday=4, start="18:00")
    preview = calls_publishing.preview(second)
    assert preview.changes_only
    assert [f.children for f in preview.homes[0].told] == [[c]]
    assert [b.dates for b in preview.homes[0].bookings if b.weekday == 3][0]  # own rota: no clash
    done = calls_publishing.publish(second, coordinator, [])
    db.session.commit()
    assert db.session.get(Plan, plan.id).state == "superseded"
    assert done.superseded.id == plan.id and done.cancelled == len(_thursdays(programme))
    old = db.session.scalars(
        select(Occurrence.status).where(Occurrence.event_id == first.events[0].id)
    )
    assert set(old) == {"cancelled"}
    assert sorted(e.weekdays for e in done.events) == ["3", "4"]
    messages = _sms()
    assert len(messages) == 3 and messages[-1].to_address == "13900000002"
    assert "每周五 18:00" in messages[-1].body


def test_the_publish_page_previews_then_publishes(app, coordinator_client, sms_to_log):
    _programme, plan, _room, _children = _rota()
    page = coordinator_client.get(f"/planning/plans/{plan.id}/publish")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "亲情视频室" in html and "小树" in html and 'id="publish-form"' in html
    response = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 303
    db.session.refresh(plan)
    assert plan.state == "published"
    again = coordinator_client.post(f"/planning/plans/{plan.id}/calls-publish")
    assert again.status_code == 409


def test_the_page_shows_the_unplaced_families_and_refuses_a_broken_rota(app, coordinator_client):
    _programme, plan, room, (a, _b, _c) = _rota()
    plan.explanations = [
        {
            "kind": "unfilled",
            "key": "call.no_common_time",
            "params": {"family": f"f{a.id}"},
            "text": {"zh_CN": "没有共同时间：父母 21:00-23:00", "en": "no common time"},
        }
    ]
    factories.opening_hours(room.home, weekdays=(3,), start="08:00", end="20:00")
    html = coordinator_client.get(f"/planning/plans/{plan.id}/publish").get_data(as_text=True)
    assert "no common time" in html and 'id="publish-broken"' in html
    assert 'id="publish-form"' not in html
    response = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert response.status_code == 409 and "小树" in response.get_data(as_text=True)


def test_a_replan_whose_base_is_no_longer_published_is_refused(app):
    programme, plan, _room, _children = _rota()
    older = factories.call_plan(programme, state="superseded")
    plan.base_plan_id = older.id
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        calls_publishing.publish(plan, factories.user(roles=("coordinator",)), [])
    assert refused.value.status == 409
    assert plan.state == "proposed"
