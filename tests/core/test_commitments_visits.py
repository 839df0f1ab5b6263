"""Home-visit days as commitments: one entry per visitor and day of the published plan, on the
schedule (with the route sheet), in the calendar feed, and in the "already booked" rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tests import factories
from tests.conftest import AuthActions
from webapp.blueprints.feeds import ical
from webapp.blueprints.feeds.services import volunteer_feed
from webapp.blueprints.planning import visits_publishing
from webapp.clock import CHINA, today
from webapp.core.commitments import commitments
from webapp.extensions import db


def _campaign():
    return factories.programme(
        kind="home_visits",
        starts_on=today() + timedelta(days=5),
        ends_on=today() + timedelta(days=20),
    )


def _plan(programme, a, b, days, *, state="proposed", base=None):
    plan = factories.visit_plan(programme, state=state, base_plan_id=base.id if base else None)
    for n, day in enumerate(days):
        for position, village in enumerate(("石桥村", "石桥村", "水口村")):
            household = factories.visit_household(village=village, label=f"户{n}{position}")
            factories.visit_placement(
                plan, household, a, b, day=day, position=position + 1, route_minutes=70 + n
            )
    return plan


def plan_households(plan):
    from webapp.blueprints.planning.visit_routes import placements

    return [p.household for p in placements(plan)]


def _login(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code in (302, 303)
    return client


def test_a_published_visit_day_is_one_entry_per_visitor_from_half_past_eight(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = _campaign()
    day = programme.starts_on
    plan = _plan(programme, a, b, [day])
    assert commitments([a.id]) == []  # a proposal is nobody's commitment yet
    visits_publishing.publish(plan, coordinator, [])
    (entry,) = commitments([a.id])
    assert entry.kind == "visit" and entry.partner_id == b.id and entry.plan_id == plan.id
    assert entry.uid == f"v{a.id}-hv{programme.id}-{day:%Y%m%d}@shouwang"
    assert "石桥村" in entry.title and "水口村" in entry.title and entry.title.count("石桥村") == 1
    assert entry.starts_at == datetime.combine(day, time(8, 30), CHINA).astimezone(UTC)
    assert entry.ends_at == datetime.combine(day, time(17, 0), CHINA).astimezone(UTC)
    assert entry.travel_minutes == 70 and not entry.cancelled
    assert sorted(e.volunteer_id for e in commitments([a.id, b.id])) == sorted([a.id, b.id])


def test_a_replan_that_drops_a_day_cancels_it_with_a_higher_sequence(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = _campaign()
    first_day, second_day = programme.starts_on, programme.starts_on + timedelta(days=1)
    first = _plan(programme, a, b, [first_day, second_day])
    visits_publishing.publish(first, coordinator, [])
    kept_uid = commitments([a.id])[0].uid
    second = _plan(programme, a, b, [first_day], base=first)
    visits_publishing.publish(second, coordinator, [])
    entries = {e.first_day: e for e in commitments([a.id])}
    assert entries[first_day].uid == kept_uid and not entries[first_day].cancelled
    assert entries[second_day].cancelled and entries[second_day].sequence == 1


def test_the_visit_day_is_in_the_feed_without_households_or_children(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = _campaign()
    plan = _plan(programme, a, b, [programme.starts_on])
    visits_publishing.publish(plan, coordinator, [])
    name, events = volunteer_feed(a.id, a.name)
    body = ical.build(name, events)
    body = body.decode() if isinstance(body, bytes) else body
    assert f"v{a.id}-hv{programme.id}-{programme.starts_on:%Y%m%d}@shouwang" in body
    assert "石桥村" in body
    pseudonyms = [c.pseudonym for h in plan_households(plan) for c in h.children]
    assert "户0" not in body and not any(p in body for p in pseudonyms)


def test_the_schedule_shows_the_visit_day_with_the_partner_and_the_route_sheet(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = _campaign()
    plan = _plan(programme, a, b, [programme.starts_on])
    visits_publishing.publish(plan, coordinator, [])
    db.session.commit()
    html = _login(app, a.user).get("/me/schedule").get_data(as_text=True)
    low, high = sorted((a.id, b.id))
    assert f"/planning/plans/{plan.id}/routes?pair={low}-{high}" in html
    assert b.name in html and "石桥村" in html
    assert "/me/assignments/0/withdraw" not in html


def test_a_visit_day_makes_a_session_that_day_already_booked(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = _campaign()
    day = programme.starts_on
    visits_publishing.publish(_plan(programme, a, b, [day]), coordinator, [])
    starts = datetime.combine(day, time(14, 0), CHINA).astimezone(UTC)
    need, occurrence = factories.open_need(starts_at=starts, title="读书会")
    db.session.commit()
    answer = _login(app, a.user).post(
        f"/opportunities/needs/{need.id}/{occurrence.id}/signup",
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert "You already have" in answer.get_data(as_text=True)


def test_both_visitors_are_reminded_the_day_before_with_the_partner_to_call(app):
    from webapp.blueprints.notifications.reminders import send_reminders
    from webapp.models import OutboxMessage

    coordinator = factories.user(roles=("coordinator",))
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    programme = factories.programme(
        kind="home_visits", starts_on=today(), ends_on=today() + timedelta(days=9)
    )
    visits_publishing.publish(
        _plan(programme, a, b, [today() + timedelta(days=1)]), coordinator, []
    )
    db.session.commit()
    sent = db.session.query(OutboxMessage).count()
    assert send_reminders().day_before == 2
    assert send_reminders().day_before == 0
    mails = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()[sent:]
    by_user = {m.to_user_id: m for m in mails}
    assert "石桥村" in by_user[a.user_id].subject
    assert f"{b.name} {b.phone}" in by_user[a.user_id].body
    assert "08:30" in by_user[a.user_id].body
