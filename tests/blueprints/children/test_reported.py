"""A month's counts stored when reported, and read as stored from then on."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from tests import factories
from tests.blueprints.children import coverage_world as world
from webapp import clock
from webapp.blueprints.children import coverage, reported
from webapp.extensions import db
from webapp.models import CareLog, Child, ChildDuty, CoverageCount, CoverageMonth


def _last_month():
    return coverage.previous_month(clock.today().replace(day=1))


def _erase(kid: Child) -> None:
    """What erasure leaves: no contacts, no duties, the row marked (or gone)."""
    db.session.execute(delete(CareLog).where(CareLog.child_id == kid.id))
    db.session.execute(delete(ChildDuty).where(ChildDuty.child_id == kid.id))
    kid.erased_at = clock.utcnow()
    db.session.commit()


def test_a_reported_month_keeps_its_counts_after_a_child_is_erased(app):
    built = world.county(seed=8)
    month = _last_month()
    before = coverage.month_report(month)
    assert reported.close_month(month) is True
    db.session.commit()
    counted = [c for c in built["children"] if c.report_consent and c.erased_at is None]
    for kid in counted[:3]:
        _erase(kid)
    after = coverage.month_report(month)
    assert after.stored and not before.stored
    assert [(h.name, h.township, h.counts) for h in after.homes] == [
        (h.name, h.township, h.counts) for h in before.homes
    ]
    assert [[(s.school, s.counts) for s in h.schools] for h in after.homes] == [
        [(s.school, s.counts) for s in h.schools] for h in before.homes
    ]
    assert coverage.month_report(clock.today().replace(day=1)).total.children == (
        before.total.children - 3
    )


def test_a_home_without_children_is_stored_and_listed_with_zeros(app):
    empty = factories.home()
    reported.close_month(_last_month())
    report = coverage.month_report(_last_month())
    assert report.stored and [(h.home_id, h.counts, h.schools) for h in report.homes] == [
        (empty.id, coverage.Counts(), [])
    ]


def test_a_month_is_stored_once_and_never_while_it_runs(app):
    kid = world.child(factories.home())
    world.contact(kid, "talk", _last_month())
    assert reported.close_month(_last_month()) is True
    world.contact(world.child(kid.home), "talk", _last_month())
    assert reported.close_month(_last_month()) is False
    assert db.session.scalar(select(func.count()).select_from(CoverageMonth)) == 1
    assert coverage.month_report(_last_month()).total.talk == 1
    with pytest.raises(coverage.MonthError):
        reported.close_month(clock.today().replace(day=1))


def test_a_manager_reads_only_their_homes_of_a_stored_month(app):
    mine, theirs = factories.home(), factories.home()
    world.child(mine)
    world.child(theirs)
    world.child(theirs)
    reported.close_month(_last_month())
    report = coverage.month_report(_last_month(), home_ids=[mine.id])
    assert [h.home_id for h in report.homes] == [mine.id] and report.total.children == 1


def test_a_removed_home_keeps_its_reported_name(app):
    home = factories.home(name="已撤并之家")
    reported.close_month(_last_month())
    db.session.execute(
        CoverageCount.__table__.update()
        .values(home_id=None)
        .where(CoverageCount.home_id == home.id)
    )
    db.session.commit()
    assert [h.name for h in coverage.month_report(_last_month()).homes] == ["已撤并之家"]


def test_close_coverage_command_stores_and_the_json_reads_the_stored_counts(runner):
    home = factories.home()
    kid = world.child(home)
    month = _last_month()
    world.contact(kid, "visit", month + timedelta(days=3))
    text = month.strftime("%Y-%m")
    first = runner.invoke(args=["close-coverage", "--month", text])
    assert first.exit_code == 0 and "stored" in first.output
    assert "already" in runner.invoke(args=["close-coverage", "--month", text]).output
    _erase(kid)
    line = json.loads(runner.invoke(args=["coverage", "--month", text, "--json"]).output)
    assert line == {
        "home": home.name,
        "children": 1,
        "reached": {"talk": 0, "call": 0, "visit": 1},
        "overdue": 0,
    }
    running = runner.invoke(args=["close-coverage", "--month", clock.today().strftime("%Y-%m")])
    assert running.exit_code == 2


def test_the_six_months_read_reported_totals_and_count_the_others_live(app):
    built = world.county(seed=12)
    this_month = clock.today().replace(day=1)
    months = coverage.recent_months(this_month)
    before = coverage.history(this_month)
    mine = [built["homes"][0].id]
    scoped_before = coverage.history(this_month, home_ids=mine)
    for month in months[1:4]:
        reported.close_month(month)
    db.session.commit()
    for kid in [c for c in built["children"] if c.report_consent and c.erased_at is None][:4]:
        _erase(kid)
    report, after = coverage.with_history(this_month)
    assert [m for m, _ in after] == months
    assert after[1:4] == before[1:4]  # reported: as they were
    assert after[0][1].children == before[0][1].children - 4  # not reported: live
    assert report.total == after[-1][1]
    assert coverage.history(this_month, home_ids=mine)[1:4] == scoped_before[1:4]


def test_worker_job_stores_each_ended_month_of_the_chart_once_and_never_the_running_one(app):
    world.county(seed=9)
    assert reported.close_ended_months() == coverage.HISTORY_MONTHS
    assert reported.close_ended_months() == 0
    stored = set(db.session.scalars(select(CoverageMonth.month)))
    this_month = clock.today().replace(day=1)
    assert this_month not in stored
    assert _last_month() in stored and len(stored) == coverage.HISTORY_MONTHS
