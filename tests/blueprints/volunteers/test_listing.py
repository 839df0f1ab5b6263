"""The volunteer list: search, filters, sorting, paging, and filters through the query string."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from webapp.blueprints.volunteers import availability, listing
from webapp.blueprints.volunteers.list_filters import VolunteerFilters
from webapp.extensions import db
from webapp.inputs import SQL_INT_MAX
from webapp.models import Skill, TeamMember, Volunteer

pytestmark = pytest.mark.usefixtures("english_request")


def _ids(result: listing.VolunteerPage) -> list[int]:
    """The page's volunteers (its items are rows of the table's columns, not entities)."""
    return [row.id for row in result.items]


def test_search_matches_name_phone_place_and_skill(app):
    reader = factories.volunteer(name="张阅读", skills=("reading",), place_name="石门村")
    other = factories.volunteer(name="王数学", skills=("math",), phone="13700000001")
    assert _ids(listing.search_volunteers(VolunteerFilters(q="张"))) == [reader.id]
    assert _ids(listing.search_volunteers(VolunteerFilters(q="1370000"))) == [other.id]
    assert _ids(listing.search_volunteers(VolunteerFilters(q="石门"))) == [reader.id]
    assert _ids(listing.search_volunteers(VolunteerFilters(q="math"))) == [other.id]


def test_search_treats_percent_and_underscore_literally(app):
    factories.volunteer(name="普通")
    assert listing.search_volunteers(VolunteerFilters(q="%")).total == 0
    assert listing.search_volunteers(VolunteerFilters(q="_")).total == 0


def test_filters_by_kind_team_skill_and_count_cleared(app):
    teacher = factories.volunteer(kind="teacher", skills=("math",))
    student = factories.volunteer(kind="college_student", cleared=False)
    team = factories.team(members=(student,))
    result = listing.search_volunteers(VolunteerFilters(kind="teacher"))
    assert _ids(result) == [teacher.id] and result.cleared == 1
    assert _ids(listing.search_volunteers(VolunteerFilters(team=str(team.id)))) == [student.id]
    assert _ids(listing.search_volunteers(VolunteerFilters(team="none"))) == [teacher.id]
    assert _ids(listing.search_volunteers(VolunteerFilters(skill="math"))) == [teacher.id]
    everyone = listing.search_volunteers(VolunteerFilters())
    assert (everyone.total, everyone.cleared) == (2, 1)
    assert everyone.teams[student.id] == team.name


def test_availability_filter_needs_a_covering_range_and_no_time_away(app):
    summer = factories.volunteer(name="暑期")
    availability.add_date_range(summer, "available", date(2026, 7, 1), date(2026, 8, 31))
    away = factories.volunteer(name="外出")
    availability.add_date_range(away, "available", date(2026, 7, 1), date(2026, 8, 31))
    availability.add_date_range(away, "away", date(2026, 7, 14), date(2026, 7, 16))
    weekly = factories.volunteer(name="每周")
    availability.add_weekly_slot(weekly, 0, 16 * 60, 18 * 60)
    factories.volunteer(name="没填")
    db.session.commit()
    filters = VolunteerFilters(available_from=date(2026, 7, 10), available_to=date(2026, 7, 20))
    names = {v.name for v in listing.search_volunteers(filters).items}
    assert names == {"暑期", "每周"}


def test_sorting_and_paging(app):
    for name in ["丙", "甲", "乙"]:
        factories.volunteer(name=name)
    ascending = listing.search_volunteers(VolunteerFilters(sort="name"))
    descending = listing.search_volunteers(VolunteerFilters(sort="name", direction="desc"))
    assert [v.name for v in ascending.items] == [v.name for v in reversed(descending.items)]
    assert listing.search_volunteers(VolunteerFilters(page=99)).page == 1


def test_counts_cover_every_page_and_a_page_past_the_end_shows_the_last(app):
    for n in range(listing.PAGE_SIZE + 3):
        factories.volunteer(name=f"志愿者{n:02d}", cleared=n % 2 == 0)
    second = listing.search_volunteers(VolunteerFilters(page=2))
    assert (second.total, second.cleared, second.page, second.pages) == (28, 14, 2, 2)
    assert len(second.items) == 3
    past = listing.search_volunteers(VolunteerFilters(page=9))
    assert (past.total, past.cleared, past.page, past.items) == (28, 14, 2, second.items)


def test_volunteer_query_counts_nothing_for_an_empty_database(app):
    result = listing.search_volunteers(VolunteerFilters())
    assert (result.total, result.cleared, result.pages, result.items) == (0, 0, 1, [])
    assert db.session.scalar(select(Volunteer.id)) is None


def test_a_page_shows_skills_by_id_in_the_language_and_teams_by_name(app):
    db.session.add_all(
        [
            Skill(code="zz_second", name_zh="第二", name_en="Second"),
            Skill(code="aa_third", name_zh="第三", name_en="Third"),
        ]
    )
    db.session.flush()
    member = factories.volunteer(skills=("aa_third", "zz_second"))
    loner = factories.volunteer()
    for name, programme in (("乙队", "2025"), ("甲队", "2026")):  # one team per programme
        db.session.add(
            TeamMember(team=factories.team(name=name), volunteer=member, programme=programme)
        )
    db.session.flush()
    english = listing.search_volunteers(VolunteerFilters(), locale="en")
    chinese = listing.search_volunteers(VolunteerFilters(), locale="zh_CN")
    assert english.skills == {member.id: ["Second", "Third"]}
    assert chinese.skills == {member.id: ["第二", "第三"]}
    assert chinese.teams == {member.id: "甲队, 乙队"}
    assert loner.id not in chinese.teams


def test_a_lapsed_clearance_shows_as_expired_on_the_list(app):
    lapsed = factories.volunteer(cleared=False, vetting_status="cleared")
    lapsed.expires_on = date(2020, 1, 1)
    db.session.commit()
    result = listing.search_volunteers(VolunteerFilters())
    label, cleared = result.vetting[lapsed.id]
    assert not cleared and label == "Clearance expired"


def test_the_largest_page_number_shows_the_last_page(app):
    factories.volunteer()
    result = listing.search_volunteers(VolunteerFilters(page=SQL_INT_MAX))
    assert (result.page, result.total, len(result.items)) == (1, 1, 1)


def test_filter_choices_list_skills_by_id_and_teams_by_name(app):
    db.session.add_all(
        [
            Skill(code="zz_first", name_zh="第一", name_en="First"),
            Skill(code="aa_second", name_zh="第二", name_en="Second"),
        ]
    )
    second, first = factories.team(name="乙队"), factories.team(name="甲队")
    skills, teams = listing.filter_choices("en")
    assert skills[-2:] == [("zz_first", "First"), ("aa_second", "Second")]  # the newest skills
    assert teams == [(first.id, "甲队"), (second.id, "乙队")]
    assert listing.filter_choices("zh_CN")[0][-2:] == [("zz_first", "第一"), ("aa_second", "第二")]
