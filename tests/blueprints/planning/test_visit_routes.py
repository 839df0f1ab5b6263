"""Route sheets of a home-visit plan: who may read a pair's sheet (and so the guardians'
phones), and a visit recorded on the sheet completing each child's visit duty."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from webapp.blueprints.planning import visits_publishing
from webapp.clock import today
from webapp.extensions import db
from webapp.models import CareLog
from webapp.models.child_care import ChildDuty


def _client(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code in (302, 303)
    return client


def _published(day=None, *, households=2):
    """A published campaign: visitors a and b on one day, c and d another pair."""
    coordinator = factories.user(roles=("coordinator",), locale="en")
    programme = factories.programme(
        kind="home_visits",
        starts_on=today() - timedelta(days=3),
        ends_on=today() + timedelta(days=20),
    )
    a, b, c = (factories.volunteer_with_login() for _ in range(3))
    plan = factories.visit_plan(programme)
    homes = [factories.visit_household(village=f"村{i}", children=2) for i in range(households)]
    for i, h in enumerate(homes):
        factories.visit_placement(
            plan, h, a, b, day=day or today(), position=i + 1, route_minutes=80
        )
    visits_publishing.publish(plan, coordinator, [])
    db.session.commit()
    return plan, coordinator, (a, b, c), homes


def _sheet_url(plan, a, b, day=None):
    low, high = sorted((a.id, b.id))
    return f"/planning/plans/{plan.id}/routes?pair={low}-{high}&day={(day or today()).isoformat()}"


def test_the_coordinator_and_both_visitors_read_the_sheet_with_the_guardians_phones(app):
    plan, coordinator, (a, b, _c), homes = _published()
    phone = homes[0].children[0].guardian_phone
    for user in (coordinator, a.user, b.user):
        page = _client(app, user).get(_sheet_url(plan, a, b))
        assert page.status_code == 200, user
        html = page.get_data(as_text=True)
        assert phone in html and homes[1].label in html
        assert html.index(homes[0].label) < html.index(homes[1].label)  # visiting order
        assert homes[0].children[0].pseudonym in html


def test_a_volunteer_of_another_pair_and_a_manager_cannot_see_the_sheet(app):
    plan, _coordinator, (a, b, c), _homes = _published()
    manager = factories.user(roles=("home_manager",))
    for user in (c.user, manager):
        client = _client(app, user)
        assert client.get(_sheet_url(plan, a, b)).status_code == 404
        assert client.get(f"/planning/plans/{plan.id}/routes").status_code == 404


def test_real_names_only_to_the_coordinator(app):
    plan, coordinator, (a, b, _c), homes = _published(households=1)
    kid = homes[0].children[0]
    kid.real_name = "张小明"
    db.session.commit()
    assert "张小明" in _client(app, coordinator).get(_sheet_url(plan, a, b)).get_data(as_text=True)
    assert "张小明" not in _client(app, a.user).get(_sheet_url(plan, a, b)).get_data(as_text=True)


def test_a_visitor_lists_only_their_own_days(app):
    plan, _coordinator, (a, b, c), _homes = _published()
    d = factories.volunteer_with_login()
    factories.visit_placement(plan, factories.visit_household(village="外村"), c, d, position=1)
    html = _client(app, a.user).get(f"/planning/plans/{plan.id}/routes").get_data(as_text=True)
    assert "村0" in html and "外村" not in html


def test_a_proposal_is_not_shown_to_its_visitors(app):
    programme = factories.programme(kind="home_visits")
    a, b = factories.volunteer_with_login(), factories.volunteer_with_login()
    plan = factories.visit_plan(programme)
    factories.visit_placement(plan, factories.visit_household(), a, b)
    assert _client(app, a.user).get(_sheet_url(plan, a, b, programme.starts_on)).status_code == 404


def test_a_visit_recorded_by_a_visitor_completes_each_childs_visit_duty(app):
    plan, _coordinator, (a, b, _c), homes = _published(households=1)
    kids = homes[0].children
    carer_pairing = factories.pairing(child=kids[0])
    duty = db.session.scalar(
        select(ChildDuty).where(
            ChildDuty.pairing_id == carer_pairing.id, ChildDuty.kind == "monthly_visit"
        )
    )
    assert duty is not None and duty.last_done_on is None
    client = _client(app, a.user)
    low, high = sorted((a.id, b.id))
    answer = client.post(
        f"/planning/plans/{plan.id}/routes/visited",
        data={"household_id": homes[0].id, "pair": f"{low}-{high}", "day": today().isoformat()},
    )
    assert answer.status_code == 302
    logs = list(db.session.scalars(select(CareLog).order_by(CareLog.child_id)))
    assert [log.child_id for log in logs] == [k.id for k in kids]
    assert all(log.kind == "visit" and log.happened_on == today() for log in logs)
    assert all(log.volunteer_id == a.id and log.author_id == a.user_id for log in logs)
    db.session.expire_all()
    assert db.session.get(ChildDuty, duty.id).last_done_on == today()
    assert "visit-form" not in client.get(_sheet_url(plan, a, b)).get_data(as_text=True)


def test_another_volunteer_cannot_record_the_pairs_visit(app):
    plan, _coordinator, (_a, _b, c), homes = _published(households=1)
    answer = _client(app, c.user).post(
        f"/planning/plans/{plan.id}/routes/visited", data={"household_id": homes[0].id}
    )
    assert answer.status_code == 404
    assert db.session.scalar(select(CareLog)) is None


def test_a_visit_cannot_be_recorded_in_the_future(app):
    plan, coordinator, _people, homes = _published(today() + timedelta(days=2), households=1)
    answer = _client(app, coordinator).post(
        f"/planning/plans/{plan.id}/routes/visited", data={"household_id": homes[0].id}
    )
    assert answer.status_code == 422
    assert db.session.scalar(select(CareLog)) is None


def test_the_coordinators_list_has_the_call_list_of_visitors_no_message_reaches(app):
    coordinator = factories.user(roles=("coordinator",))
    programme = factories.programme(kind="home_visits")
    a, b = factories.volunteer_with_login(), factories.volunteer(name="没账号的老师")
    plan = factories.visit_plan(programme)
    factories.visit_placement(plan, factories.visit_household(), a, b)
    visits_publishing.publish(plan, coordinator, [])
    db.session.commit()
    html = _client(app, coordinator).get(f"/planning/plans/{plan.id}/routes").get_data(as_text=True)
    call_list = html.split('id="visits-call-list"')[1]
    assert "没账号的老师" in call_list and b.phone in call_list and a.name not in call_list


def test_a_recorded_visit_counts_in_coverage(app):
    from webapp.blueprints.children import coverage

    plan, coordinator, _people, homes = _published(households=1)
    for kid in homes[0].children:
        kid.report_consent = True  # coverage counts only children reported with consent
    db.session.commit()
    month = today().replace(day=1)
    before = coverage.month_report(month).total.visit
    _client(app, coordinator).post(
        f"/planning/plans/{plan.id}/routes/visited", data={"household_id": homes[0].id}
    )
    db.session.expire_all()
    assert coverage.month_report(month).total.visit == before + 2  # both children reached
