"""Publishing a home-visit plan: states and refusals, the DB-level route checks, who is told and
what their message says, and re-publishing telling only the visitors whose days changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.planning import visits_publishing
from webapp.blueprints.planning.errors import PlanningError
from webapp.extensions import db
from webapp.models import AuditLog, OutboxMessage
from webapp.models.home_visits import VisitPlacement


def _campaign(**settings):
    programme = factories.programme(kind="home_visits", settings=settings or {})
    return programme


def _visitors(n=2, *, logins=True):
    make = factories.volunteer_with_login if logins else factories.volunteer
    return [make() for _ in range(n)]


def _messages():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _one_day(programme, a, b, *, households=2, state="proposed", day=None, clear=True, **kw):
    """A plan of one pair's day; the programme holds the households' home and the pair (the
    first cleared), so that the records agree with the plan."""
    plan = factories.visit_plan(programme, state=state)
    home = factories.home(rooms=())
    programme.homes = [*programme.homes, home]
    programme.volunteers = [*programme.volunteers, a, b]
    if clear:
        a.vetting_status, a.expires_on = "cleared", programme.ends_on + timedelta(days=365)
    a.lat, a.lon = 26.60, 107.50
    homes = [
        factories.visit_household(
            village=f"村{i}", home=home, lat=26.60 + 0.01 * (i + 1), lon=107.50
        )
        for i in range(households)
    ]
    for i, h in enumerate(homes):
        factories.visit_placement(plan, h, a, b, day=day, position=i + 1, **kw)
    return plan, homes


def test_publishing_tells_each_visitor_their_day_in_visiting_order(app):
    coordinator = factories.user(roles=("coordinator",), locale="en")
    a, b = _visitors()
    a.user.locale = "zh_CN"
    programme = _campaign()
    plan, homes = _one_day(programme, a, b, route_minutes=95)
    _plan, told = visits_publishing.publish(plan, coordinator, [])
    assert plan.state == "published" and plan.published_by_id == coordinator.id
    assert programme.state == "published" and programme.published_at is not None
    assert sorted(told.told) == sorted([a.name, b.name]) and told.not_told == []
    by_user = {m.to_user_id: m for m in _messages()}
    zh = by_user[a.user_id]
    assert zh.subject == f"您的家访安排：{programme.name}"
    first, second = (f"{h.village} · {h.label}" for h in homes)
    assert f"1. {first}" in zh.body and f"2. {second}" in zh.body
    assert zh.body.index(first) < zh.body.index(second)
    assert f"{b.name} {b.phone}" in zh.body  # the other person of the pair, with the phone
    assert "95" in zh.body
    assert f"/planning/plans/{plan.id}/routes" in zh.body
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "plan.published"))


def test_a_visitor_without_account_or_sms_is_on_the_call_list(app):
    coordinator = factories.user(roles=("coordinator",))
    a = factories.volunteer_with_login()
    b = factories.volunteer()  # no account; SMS is not set up in tests
    plan, _homes = _one_day(_campaign(), a, b)
    preview = visits_publishing.preview(plan)
    assert preview.told == [(a.name, "email")]
    assert preview.not_told == [(b.name, b.phone)]
    _plan, told = visits_publishing.publish(plan, coordinator, [])
    assert told.told == [a.name] and told.not_told == [b.name]


def test_without_an_account_a_visitor_gets_one_sms_per_day_when_sms_is_set_up(app):
    app.config["OUTBOX_TO_LOG"] = True
    try:
        coordinator = factories.user(roles=("coordinator",))
        a, b = factories.volunteer(), factories.volunteer_with_login()
        plan, _homes = _one_day(_campaign(), a, b)
        _plan, told = visits_publishing.publish(plan, coordinator, [])
    finally:
        app.config["OUTBOX_TO_LOG"] = False
    assert a.name in told.told
    (sms,) = [m for m in _messages() if m.channel == "sms"]
    assert sms.sms_kind == "visit_assigned" and sms.to_address == a.phone
    assert b.name in sms.body and "村0、村1" in sms.body


def test_only_a_proposed_plan_without_problems_is_published(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b = _visitors()
    plan, _homes = _one_day(_campaign(), a, b)
    with pytest.raises(PlanningError) as refused:
        visits_publishing.publish(plan, coordinator, ["the engine says no"])
    assert refused.value.status == 409 and refused.value.details == ["the engine says no"]
    assert plan.state == "proposed" and _messages() == []
    visits_publishing.publish(plan, coordinator, [])
    with pytest.raises(PlanningError) as again:
        visits_publishing.publish(plan, coordinator, [])
    assert again.value.status == 409


def test_route_problems_name_too_many_visits_too_long_a_day_and_two_pairs_a_day(app):
    programme = _campaign(max_visits_per_day=2, max_travel_minutes=120)
    a, b, c = _visitors(3)
    plan, _homes = _one_day(programme, a, b, households=3, route_minutes=150)
    factories.visit_placement(plan, factories.visit_household(), a, c, position=1)
    problems = visits_publishing.route_problems(plan)
    assert any("3 visits" in p and "at most 2" in p for p in problems)
    assert any("150 minutes" in p for p in problems)
    assert any(a.name in p and "2 pairs" in p for p in problems)


def test_a_pair_needs_one_cleared_adult(app):
    a = factories.volunteer_with_login(cleared=False)
    b = factories.volunteer_with_login(cleared=False)
    plan, _homes = _one_day(_campaign(), a, b, households=1, clear=False)
    assert any("cleared" in p for p in visits_publishing.route_problems(plan))


def test_a_good_plan_has_no_route_problems(app):
    a, b = _visitors()
    plan, _homes = _one_day(_campaign(), a, b, households=3)
    assert visits_publishing.route_problems(plan) == []


def test_households_left_out_are_listed_with_the_engines_reason(app):
    a, b = _visitors()
    plan, _homes = _one_day(_campaign(), a, b, households=1)
    left = factories.visit_household(village="远山村", label="王家")
    kid = left.children[0]
    plan.explanations = [
        {"kind": "unfilled", "key": "unvisited", "params": {"household": left.id},
         "text": {"en": "Too far for any pair.", "zh_CN": "太远"}},
        {"kind": "unfilled", "key": "unvisited", "params": {"child": kid.id}, "text": {}},
        # As the adapter may store it: the engine's key and params, the household as target.
        {"kind": "unfilled", "key": "visit_unreachable", "target": f"h{left.id}",
         "params": {"nearest_minutes": 300, "limit_minutes": 240}},
    ]  # fmt: skip
    db.session.commit()
    rows = visits_publishing.preview(plan).unvisited
    assert [r.household for r in rows] == ["远山村 · 王家"] * 3
    assert rows[0].reason == "Too far for any pair."
    assert rows[1].reason
    assert "travel limit" in rows[2].reason and "300" in rows[2].reason


def test_republishing_tells_only_the_visitors_whose_days_changed(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b, c, d = _visitors(4)
    programme = _campaign()
    first, homes = _one_day(programme, a, b)
    other = factories.visit_household()
    factories.visit_placement(first, other, c, d, position=1)
    visits_publishing.publish(first, coordinator, [])
    sent = len(_messages())
    assert sent == 4
    # The re-plan keeps a and b's day; c and d visit the household a day later.
    second = factories.visit_plan(programme, base_plan_id=first.id)
    for i, h in enumerate(homes):
        factories.visit_placement(second, h, a, b, position=i + 1)
    moved = programme.starts_on + timedelta(days=1)
    factories.visit_placement(second, other, c, d, day=moved, position=1)
    preview = visits_publishing.preview(second)
    assert preview.republish and {n for n, _c in preview.told} == {c.name, d.name}
    _plan, told = visits_publishing.publish(second, coordinator, [])
    assert sorted(told.told) == sorted([c.name, d.name])
    assert first.state == "superseded" and second.state == "published"
    new = _messages()[sent:]
    assert {m.to_user_id for m in new} == {c.user_id, d.user_id}
    assert "no longer" in new[0].body.lower() or "不再" in new[0].body


def test_a_changed_day_gets_a_higher_sequence_on_republishing(app):
    coordinator = factories.user(roles=("coordinator",))
    a, b, c = _visitors(3)
    programme = _campaign()
    first, homes = _one_day(programme, a, b, households=1)
    visits_publishing.publish(first, coordinator, [])
    second = factories.visit_plan(programme, base_plan_id=first.id)
    factories.visit_placement(second, homes[0], a, c, position=1)  # a's partner changes
    visits_publishing.publish(second, coordinator, [])
    (row,) = db.session.scalars(select(VisitPlacement).where(VisitPlacement.plan_id == second.id))
    assert row.sequence == 1


def test_the_publish_page_says_who_is_told_and_publishing_goes_to_the_route_sheets(
    app, coordinator_client
):
    a = factories.volunteer_with_login()
    b = factories.volunteer(name="电话通知的老师")
    plan, _homes = _one_day(_campaign(), a, b)
    page = coordinator_client.get(f"/planning/plans/{plan.id}/publish")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert a.name in html.split('id="publish-told"')[1].split('id="publish-call-list"')[0]
    assert "电话通知的老师" in html.split('id="publish-call-list"')[1]
    answer = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert answer.status_code in (302, 303)
    assert answer.location.endswith(f"/planning/plans/{plan.id}/routes")
    db.session.expire_all()
    assert db.session.get(type(plan), plan.id).state == "published"
    assert coordinator_client.get(f"/planning/plans/{plan.id}/publish").status_code == 409


def test_publishing_a_plan_that_breaks_a_rule_is_refused_with_the_reasons(app, coordinator_client):
    programme = _campaign(max_travel_minutes=60)
    a, b = _visitors()
    plan, _homes = _one_day(programme, a, b, route_minutes=90)
    page = coordinator_client.get(f"/planning/plans/{plan.id}/publish").get_data(as_text=True)
    assert "publish-broken" in page and "publish-form" not in page
    answer = coordinator_client.post(f"/planning/plans/{plan.id}/publish")
    assert answer.status_code == 409 and "90 minutes" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(plan), plan.id).state == "proposed" and _messages() == []
