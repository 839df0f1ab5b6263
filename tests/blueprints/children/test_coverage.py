"""The coverage service: months, counts per township, home and school, and the overdue list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.blueprints.children import coverage_world as world
from webapp import clock
from webapp.blueprints.children import coverage, coverage_overdue
from webapp.extensions import db
from webapp.models import CareLog, Child, ChildDuty


def recount(month: date, home_id: int, today: date) -> dict:
    """The counts of one home, row by row in Python, with the duty's Python rule."""
    first, last = month, coverage.last_day(month)
    on = min(last, today)
    kids = {
        c.id
        for c in db.session.scalars(select(Child))
        if c.home_id == home_id and c.erased_at is None and c.report_consent
    }
    reached = {"talk": set(), "call": set(), "visit": set()}
    for log in db.session.scalars(select(CareLog)):
        if log.child_id in kids and first <= log.happened_on <= last:
            for name, kinds in coverage.REACH.items():
                if log.kind in kinds:
                    reached[name].add(log.child_id)
    overdue = {
        d.child_id
        for d in db.session.scalars(select(ChildDuty))
        if d.child_id in kids and d.state(on) == "overdue"
    }
    return {
        "children": len(kids),
        "reached": {name: len(ids) for name, ids in reached.items()},
        "overdue": len(overdue),
    }


@pytest.mark.parametrize("months_back", [0, 1, 5])
def test_counts_per_home_equal_a_recount_row_by_row(app, months_back):
    built = world.county()
    today = clock.today()
    month = today.replace(day=1)
    for _ in range(months_back):
        month = coverage.previous_month(month)
    report = coverage.month_report(month, today=today)
    assert {h.home_id for h in report.homes} == {h.id for h in built["homes"]}
    for home in report.homes:
        assert home.counts.as_dict() == recount(month, home.home_id, today), home.name
    assert sum(h.counts.children for h in report.homes) == report.total.children > 0


def test_homes_are_grouped_by_their_township_and_schools_are_counted_across_homes(app):
    built = world.county()
    east, west = built["townships"]
    report = coverage.month_report(clock.today().replace(day=1))
    by_name = {t.name: t for t in report.townships}
    assert [h.home_id for h in by_name[east.name].homes] == [built["homes"][0].id]
    assert [h.home_id for h in by_name[west.name].homes] == [built["homes"][1].id]
    assert [h.home_id for h in by_name[""].homes] == [built["homes"][2].id]
    for home in report.homes:
        assert sum(s.counts.children for s in home.schools) == home.counts.children
        assert len({s.school for s in home.schools}) == len(home.schools)
    by_school = {s.school: s.counts for s in report.schools}
    assert set(by_school) == {
        c.school for c in built["children"] if c.report_consent and c.erased_at is None
    }
    total = coverage.Counts()
    for counts in by_school.values():
        total.add(counts)
    assert total == report.total


def test_one_contact_for_a_child_not_reached_raises_the_homes_count_by_exactly_one(app):
    home = factories.home()
    kid = world.child(home)
    other = world.child(home)
    today = clock.today()
    world.contact(other, "talk", today)
    before = coverage.month_report(today.replace(day=1)).homes[0].counts
    assert (before.children, before.talk) == (2, 1)
    world.contact(kid, "talk", today)
    world.contact(kid, "talk", today)  # a second talk the same month reaches nobody new
    after = coverage.month_report(today.replace(day=1)).homes[0].counts
    assert after.talk == before.talk + 1
    assert (after.call, after.visit) == (0, 0)


def test_a_video_call_counts_as_a_call_and_a_meeting_reaches_nobody(app):
    kid = world.child(factories.home())
    today = clock.today()
    world.contact(kid, "video_call", today)
    world.contact(kid, "meeting", today)
    counts = coverage.month_report(today.replace(day=1)).total
    assert (counts.talk, counts.call, counts.visit) == (0, 1, 0)


def test_children_without_consent_to_reporting_or_erased_are_not_counted(app):
    home = factories.home()
    today = clock.today()
    for kid in (world.child(home, consent=False), world.child(home, erased=True)):
        world.contact(kid, "visit", today)
        world.duty(kid, today - timedelta(days=40))
    counts = coverage.month_report(today.replace(day=1)).total
    assert counts == coverage.Counts()


def test_a_child_with_no_contact_for_35_days_shows_an_overdue_duty(app):
    kid = world.child(factories.home())
    today = clock.today()
    world.contact(kid, "visit", today - timedelta(days=35))
    world.duty(kid, today - timedelta(days=5), kind="monthly_visit")
    assert coverage.month_report(today.replace(day=1)).total.overdue == 1
    listed, total = coverage_overdue.overdue_children(today)
    assert total == 1 and [c.pseudonym for c in listed] == [kid.pseudonym]


def test_overdue_of_a_past_month_is_taken_at_its_last_day(app):
    kid = world.child(factories.home())
    today = clock.today()
    last_month = coverage.previous_month(today.replace(day=1))
    world.duty(kid, coverage.last_day(last_month))  # due on the last day: not yet overdue then
    assert coverage.month_report(last_month, today=today).total.overdue == 0
    assert coverage.month_report(today.replace(day=1), today=today).total.overdue == 1


def test_a_home_manager_sees_only_their_homes(app):
    mine, theirs = factories.home(), factories.home()
    world.child(mine)
    world.child(theirs)
    report = coverage.month_report(clock.today().replace(day=1), home_ids=[mine.id])
    assert [h.home_id for h in report.homes] == [mine.id]
    assert report.total.children == 1


def test_history_is_six_months_ending_with_the_month(app):
    kid = world.child(factories.home())
    today = clock.today()
    month = today.replace(day=1)
    five_back = coverage.recent_months(month)[0]
    world.contact(kid, "talk", five_back)
    world.contact(kid, "talk", five_back - timedelta(days=1))  # the month before: outside
    months = coverage.history(month, today=today)
    assert [m for m, _ in months] == coverage.recent_months(month)
    assert [c.talk for _, c in months] == [1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03", date(2026, 3, 1)), (" 2025-12 ", date(2025, 12, 1)), ("", date(2026, 5, 1))],
)
def test_months_are_read_as_year_and_month(app, text, expected):
    assert coverage.parse_month(text, today=date(2026, 5, 20)) == expected


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-3", "26-03", "2026-03-01", "x", "2026-06"]
)
def test_a_bad_or_future_month_is_refused_with_the_reason(app, text):
    with pytest.raises(coverage.MonthError):
        coverage.parse_month(text, today=date(2026, 5, 20))


def test_month_arithmetic_crosses_years():
    assert coverage.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert coverage.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert coverage.last_day(date(2028, 2, 1)) == date(2028, 2, 29)
    assert coverage.recent_months(date(2026, 2, 1))[0] == date(2025, 9, 1)


def test_the_overdue_list_shows_the_longest_overdue_first_and_counts_them_all(app):
    home = factories.home()
    today = clock.today()
    kids = [world.child(home) for _ in range(3)]
    for days, kid in zip((3, 30, 10), kids, strict=True):
        world.duty(kid, today - timedelta(days=days))
        world.duty(kid, today - timedelta(days=1), kind="video_call")
    listed, total = coverage_overdue.overdue_children(today, limit=2)
    assert total == 3
    assert [c.child_id for c in listed] == [kids[1].id, kids[2].id]
    assert [c.duties for c in listed] == [2, 2]
    assert coverage_overdue.overdue_children(today, home_ids=[])[1] == 0
