"""Rules and queries of the volunteers blueprint, on the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp import clock
from webapp.blueprints.volunteers import pairing, services, teams
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import AuditLog

TODAY = date(2026, 6, 1)


pytestmark = pytest.mark.usefixtures("english_request")


# --- Pure checks (property tests) ---------------------------------------------------------------


def test_phone_numbers_are_normalised():
    assert services.normalise_phone("+86 139-1234-5678") == "13912345678"
    assert services.normalise_phone("8613912345678") == "13912345678"
    assert services.normalise_phone("") is None


# --- Profiles -----------------------------------------------------------------------------------


def test_profile_phone_must_be_unique(app):
    factories.volunteer(phone="13900000001")
    other = factories.volunteer()
    data = {"kind": "community", "name": other.name, "phone": "139 0000 0001", "email": ""}
    with pytest.raises(RuleError) as error:
        services.save_profile(other, data, [])
    assert error.value.field == "phone"


def test_profile_save_sets_skills_and_is_audited(app):
    volunteer = services.save_profile(
        None,
        {
            "kind": "teacher",
            "name": "新老师",
            "phone": "13600000000",
            "email": "T@Example.org",
            "transport_mode": "ebike",
            "max_travel_minutes": 40,
            "max_sessions_per_week": 2,
        },
        ["math", "chinese", "no-such-skill"],
    )
    db.session.commit()
    assert sorted(s.code for s in volunteer.skills) == ["chinese", "math"]
    assert volunteer.email == "t@example.org"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "volunteer.create"))


# --- Teams --------------------------------------------------------------------------------------


def test_a_volunteer_is_in_at_most_one_team_per_programme(app):
    student = factories.volunteer(kind="college_student")
    first = teams.save_team(None, name="甲队", college="师院", programme="2026暑期", contact="")
    second = teams.save_team(None, name="乙队", college="师院", programme="2026暑期", contact="")
    third = teams.save_team(None, name="丙队", college="师院", programme="2027暑期", contact="")
    teams.add_member(first, student)
    with pytest.raises(RuleError) as error:
        teams.add_member(second, student)
    assert "甲队" in error.value.message
    teams.add_member(third, student)
    assert first.leader_id == student.id  # the first member leads until someone else is chosen


def test_removing_the_leader_clears_the_leader(app):
    a, b = factories.volunteer(), factories.volunteer()
    team = factories.team(members=(a, b))
    teams.remove_member(team, a.id)
    assert team.leader_id is None
    with pytest.raises(RuleError):
        teams.set_leader(team, a.id)
    teams.set_leader(team, b.id)
    assert team.leader_id == b.id


# --- Pairing ------------------------------------------------------------------------------------


def test_a_child_under_14_cannot_be_paired_without_recorded_consent(app):
    parent = factories.volunteer(kind="surrogate_parent")
    child = factories.child(age_band="6_to_9", consent=False)
    with pytest.raises(RuleError) as error:
        pairing.pair(parent, child)
    assert error.value.field == "child_id"
    teen = factories.child(age_band="14_to_17", consent=False)
    assert pairing.pair(parent, teen).child_id == teen.id


def test_only_a_cleared_surrogate_parent_can_be_paired(app):
    child = factories.child()
    teacher = factories.volunteer(kind="teacher")
    with pytest.raises(RuleError):
        pairing.pair(teacher, child)
    lapsed = factories.volunteer(kind="surrogate_parent")
    lapsed.expires_on = clock.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(RuleError) as error:
        pairing.pair(lapsed, child)
    assert "expired" in error.value.message


def test_pairing_limit_is_configurable(app):
    parent = factories.volunteer(kind="surrogate_parent")
    for _ in range(3):
        pairing.pair(parent, factories.child())
    with pytest.raises(RuleError):
        pairing.pair(parent, factories.child())
    app.config["PAIRING_MAX_CHILDREN"] = 4
    try:
        pairing.pair(parent, factories.child())
    finally:
        app.config.pop("PAIRING_MAX_CHILDREN")


def test_a_child_has_one_surrogate_parent_at_a_time(app):
    child = factories.child()
    pairing.pair(factories.volunteer(kind="surrogate_parent"), child)
    db.session.commit()
    with pytest.raises(RuleError):
        pairing.pair(factories.volunteer(kind="surrogate_parent"), child)


def test_care_log_rejects_future_dates_and_long_notes(app):
    found = factories.pairing()
    author = factories.user()
    today = clock.today()
    with pytest.raises(RuleError):
        pairing.add_care_log(
            found, happened_on=today + timedelta(days=1), kind="talk", note="", author=author
        )
    with pytest.raises(RuleError):
        pairing.add_care_log(
            found, happened_on=clock.today(), kind="talk", note="很" * 201, author=author
        )
    log = pairing.add_care_log(
        found, happened_on=clock.today(), kind="visit", note="家访\n顺利", author=author
    )
    assert log.note == "家访 顺利"


def test_overdue_duties_after_10_days_without_talk_and_35_without_visit(app):
    today = date(2026, 6, 1)
    fine = factories.pairing(started_on=today - timedelta(days=100))
    factories.care_log(pairing=fine, kind="talk", happened_on=today - timedelta(days=3))
    factories.care_log(pairing=fine, kind="visit", happened_on=today - timedelta(days=20))
    late = factories.pairing(started_on=today - timedelta(days=100))
    factories.care_log(pairing=late, kind="talk", happened_on=today - timedelta(days=11))
    factories.care_log(pairing=late, kind="visit", happened_on=today - timedelta(days=36))
    fresh = factories.pairing(started_on=today - timedelta(days=5))
    overdue = pairing.duty_statuses(today=today, only_overdue=True)
    assert [s.pairing.id for s in overdue] == [late.id]
    assert overdue[0].talk_overdue_days == 11 and overdue[0].visit_overdue_days == 36
    assert fresh.id in {s.pairing.id for s in pairing.duty_statuses(today=today)}


def test_volunteer_sees_only_their_own_pairings(app):
    from werkzeug.exceptions import NotFound

    owner_user = factories.user()
    owner = factories.volunteer(kind="surrogate_parent", user=owner_user)
    found = factories.pairing(volunteer=owner)
    stranger = factories.user()
    factories.volunteer(user=stranger)
    assert pairing.visible_pairing(found.id, owner_user) == found
    with pytest.raises(NotFound):
        pairing.visible_pairing(found.id, stranger)
    assert pairing.visible_pairing(found.id, factories.user(roles=["coordinator"])) == found
