"""Rules and queries of the volunteers blueprint, on the real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.volunteers import services, teams
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
