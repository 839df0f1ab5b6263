"""The adapter: rows in, the engine's problem out, the engine's plan back into rows."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from tests import factories
from tests.blueprints.planning.helpers import FAST, available, next_weekday, summer, term
from webapp.blueprints.planning import adapter, ids
from webapp.blueprints.planning.adapter import results, shared
from webapp.extensions import db
from webapp.models import Assignment, ForbiddenPair, Plan, VolunteerDateRange


def _solve(programme, **kw):
    built = adapter.build(programme, **kw)
    result = results.solve_built(built, FAST)
    assert result.status == "optimal"
    return built, result


def test_engine_ids_go_both_ways():
    assert ids.parse(ids.slot_id(5, 1)) == ids.Ref("slot", 5, 1)
    assert ids.parse("v12") == ids.Ref("volunteer", 12)
    assert ids.db_id("t3", "team") == 3
    with pytest.raises(ValueError):
        ids.db_id("p3", "team")
    with pytest.raises(ValueError):
        ids.parse("n5w9")


def test_one_slot_per_weekday_of_a_series_from_confirmed_dates_inside_the_programme(app):
    programme, event, _ = term(weekdays=(1, 3), count=8)
    need = event.needs[0]
    # One Thursday cancelled, and a series at a home outside the programme.
    event.occurrences[1].status = "cancelled"
    factories.series(factories.home().rooms[0], first_date=programme.starts_on, count=2)
    db.session.commit()
    built = adapter.build(programme)
    assert set(built.targets) == {ids.slot_id(need.id, 1), ids.slot_id(need.id, 3)}
    tuesday = built.targets[ids.slot_id(need.id, 1)]
    thursday = built.targets[ids.slot_id(need.id, 3)]
    assert len(tuesday.dates) == 4 and len(thursday.dates) == 3
    assert all(programme.starts_on <= d <= programme.ends_on for d in tuesday.dates)
    slot = next(s for s in built.problem.slots if s.id == tuesday.id)
    assert (slot.weekday, slot.start, slot.end, slot.last_date) == (1, 960, 1050, tuesday.last)


def test_dates_outside_the_programme_do_not_count(app):
    programme, event, _ = term(weekdays=(1,), count=8)  # eight Tuesdays, the term has four
    built = adapter.build(programme)
    (target,) = built.targets.values()
    assert len(target.dates) == 4 and target.last <= programme.ends_on


def test_bicycle_becomes_bike_and_a_need_without_skill_gets_the_engine_skill_everyone_has(app):
    programme, event, people = term(needs=({"skill": None},))
    people[0].transport_mode = "bicycle"
    db.session.commit()
    built = adapter.build(programme)
    vols = built.volunteers
    assert vols[ids.volunteer_id(people[0].id)].transport == "bike"
    assert all(ids.ANY_SKILL in v.skills for v in vols.values())
    assert {n.skill for s in built.problem.slots for n in s.needs} == {ids.ANY_SKILL}
    _, result = _solve(programme)
    assert len(result.assignments) == 2  # both weekdays filled by someone


def test_a_clearance_ending_before_a_slots_last_date_does_not_count_for_it(app):
    programme, event, people = term(volunteers=1, weekdays=(1,), count=4)
    (volunteer,) = people
    built = adapter.build(programme)
    (target,) = built.targets.values()
    volunteer.expires_on = target.last - timedelta(days=1)  # still cleared today
    db.session.commit()
    assert volunteer.is_cleared()
    _, result = _solve(programme)
    assert result.assignments == ()
    (why,) = [e for e in result.explanations if e.key == "unfilled_need"]
    assert why.params["blocking"] == "cleared"
    volunteer.expires_on = target.last
    db.session.commit()
    _, result = _solve(programme)
    assert len(result.assignments) == 1


def test_needs_open_for_sign_up_are_left_to_volunteers(app):
    programme, event, _ = term(needs=({"skill": "math"}, {"skill": "math", "open": True}))
    built = adapter.build(programme)
    assert {ids.parse(t).id for t in built.targets} == {event.needs[0].id}


def test_volunteers_without_weekly_times_are_not_planned_and_noted(app):
    programme, _, people = term(volunteers=1)
    extra = factories.volunteer(skills=("math",))
    programme.volunteers.append(extra)
    db.session.commit()
    built = adapter.build(programme)
    assert ("no_weekly_availability", {"volunteer": ids.volunteer_id(extra.id)}) in built.notes
    _, result = _solve(programme)
    assert {a.volunteer_id for a in result.assignments} == {ids.volunteer_id(people[0].id)}


def test_away_on_most_dates_of_a_slot_means_unavailable_for_it(app):
    programme, event, people = term(volunteers=1, weekdays=(1, 3), count=8)
    volunteer = people[0]
    built = adapter.build(programme)
    tuesday = built.targets[ids.slot_id(event.needs[0].id, 1)]
    volunteer.date_ranges.append(
        VolunteerDateRange(kind="away", starts_on=tuesday.dates[0], ends_on=tuesday.dates[2])
    )
    db.session.commit()
    built = adapter.build(programme)
    v = built.volunteers[ids.volunteer_id(volunteer.id)]
    # Away on three of four Tuesdays but two of four Thursdays: only Tuesday is lost.
    assert v.unavailable_targets == {tuesday.id}


def test_stored_rows_name_exactly_the_engine_targets(app):
    programme, event, people = term(volunteers=2, weekdays=(1, 3))
    built, result = _solve(programme)
    plan = results.store(built, result, programme)
    db.session.commit()
    rows = db.session.query(Assignment).filter_by(plan_id=plan.id).all()
    assert len(rows) == len(result.assignments) == 2
    assert {shared.engine_assignment(r) for r in rows} == set(result.assignments)
    assert all(r.need_id == event.needs[0].id and r.weekday in (1, 3) for r in rows)
    assert all(r.travel_minutes == 0 for r in rows)  # everyone lives at the home
    seats = adapter.solve_programme(built, FAST).summary
    assert (seats.needed, seats.filled, seats.unfilled, seats.assignments) == (2, 2, 0, 2)


def test_a_summary_counts_seats_below_minimum_and_below_preferred_apart():
    seats = adapter.summarise(
        [("a", 2, 3), ("b", 1, 2), ("c", 1, 1), ("d", 0, 0)], {"a": 1, "b": 1, "c": 4}
    )
    assert (seats.targets, seats.assignments, seats.needed, seats.filled) == (4, 6, 4, 3)
    assert (seats.unfilled, seats.below_minimum, seats.below_preferred) == (1, 1, 1)


def test_engine_objects_never_travel_past_the_adapter():
    """DESIGN.md: the rest of the app uses the adapter's planning side only (its ``__all__``):
    no submodule of the adapter, no engine-side helper, no ``built.problem``."""
    root = Path(adapter.__file__).resolve().parents[3]
    allowed = set(adapter.__all__)
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if rel.parts[:3] == ("blueprints", "planning", "adapter"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "webapp.blueprints.planning.adapter"
            ):
                if node.module != "webapp.blueprints.planning.adapter" or any(
                    a.name not in allowed for a in node.names
                ):
                    offenders.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.Attribute):
                base = node.value
                if isinstance(base, ast.Name) and base.id == "adapter" and node.attr not in allowed:
                    offenders.append(f"{rel}:{node.lineno} adapter.{node.attr}")
                if node.attr == "problem" and isinstance(base, ast.Name) and base.id == "built":
                    offenders.append(f"{rel}:{node.lineno} built.problem")
    assert offenders == []


def test_pins_from_a_proposal_are_kept_and_keep_their_source(app):
    programme, event, people = term(volunteers=2, weekdays=(1,))
    built, result = _solve(programme)
    plan = results.store(built, result, programme)
    (row,) = plan.assignments
    other = next(p for p in people if p.id != row.volunteer_id)
    row.volunteer_id, row.pinned, row.source = other.id, True, "manual"
    db.session.commit()
    built, result = _solve(programme, pins_from=plan)
    again = results.store(built, result, programme)
    assert [(a.volunteer_id, a.pinned, a.source) for a in again.assignments] == [
        (other.id, True, "manual")
    ]


def test_forbidden_pairs_keep_a_volunteer_off_every_weekday_of_a_need(app):
    programme, event, people = term(volunteers=1, weekdays=(1, 3))
    db.session.add(
        ForbiddenPair(
            programme_id=programme.id, volunteer_id=people[0].id, need_id=event.needs[0].id
        )
    )
    db.session.commit()
    _, result = _solve(programme)
    assert result.assignments == ()


def test_teams_are_placed_whole_with_their_leader(app):
    programme, posts, people, team = summer(posts=1, singles=0, team_size=3)
    posts[0].need_leader = True
    db.session.commit()
    built, result = _solve(programme)
    (engine_team,) = built.problem.teams
    leaders = {v.id for v in built.problem.volunteers if v.is_leader}
    assert leaders == {ids.volunteer_id(team.leader_id)}
    assert {a.team_id for a in result.assignments} == {engine_team.id}
    plan = results.store(built, result, programme)
    assert {(a.team_id, a.post_id) for a in plan.assignments} == {(team.id, posts[0].id)}
    assert result.term("unfilled_min") == 0


def test_summer_availability_is_available_minus_away(app):
    programme, posts, people, _ = summer(posts=2, singles=1)
    volunteer = people[0]
    volunteer.date_ranges = [
        VolunteerDateRange(
            kind="available", starts_on=posts[0].starts_on, ends_on=posts[1].ends_on
        ),
        VolunteerDateRange(kind="away", starts_on=posts[1].starts_on, ends_on=posts[1].starts_on),
    ]
    volunteer.max_posts = 2
    db.session.commit()
    built, result = _solve(programme)
    (v,) = built.problem.volunteers
    assert v.available_dates[0].end == posts[1].starts_on - timedelta(days=1)
    assert {a.target_id for a in result.assignments} == {ids.post_id(posts[0].id)}


def test_companions_and_preferences_outside_the_programme_are_dropped(app):
    programme, posts, people, _ = summer(posts=1, singles=2)
    stranger = factories.volunteer()
    people[0].companions = [people[1], stranger]
    db.session.commit()
    built = adapter.build(programme)
    v = built.volunteers[ids.volunteer_id(people[0].id)]
    assert v.companions == {ids.volunteer_id(people[1].id)}


def test_continuity_with_last_terms_published_plan(app):
    programme, event, people = term(volunteers=2, weekdays=(1,))
    built, result = _solve(programme)
    old = results.store(built, result, programme)
    old.state = "published"
    for a in old.assignments:
        a.status = "confirmed"
    (kept,) = old.assignments
    # Next term: the same series continues (same home, weekday, time and skill).
    home = programme.homes[0]
    first = next_weekday(0, programme.ends_on)
    factories.series(home.rooms[0], first_date=first, weekdays=(1,), count=4)
    nxt = factories.programme(kind="tutoring", starts_on=first, ends_on=first + timedelta(days=27))
    nxt.homes, nxt.volunteers = [home], people
    db.session.commit()
    built = adapter.build(nxt)
    (target,) = built.targets
    assert built.volunteers[ids.volunteer_id(kept.volunteer_id)].last_targets == {target}
    result = results.solve_built(built, FAST)
    assert [a.volunteer_id for a in result.assignments] == [ids.volunteer_id(kept.volunteer_id)]


def test_replan_keeps_the_published_plan_and_keeps_the_withdrawn_off(app):
    programme, posts, people, _ = summer(posts=2, singles=3)
    built, result = _solve(programme)
    plan = results.store(built, result, programme)
    plan.state = "published"
    for a in plan.assignments:
        a.status = "confirmed"
    gone = plan.assignments[0]
    gone.status = "withdrawn"
    db.session.commit()
    built = adapter.build(programme, base=plan)
    assert (gone.volunteer_id, ids.post_id(gone.post_id)) in built.withdrawn
    result = results.solve_built(built, FAST)
    assert (ids.volunteer_id(gone.volunteer_id), ids.post_id(gone.post_id)) not in {
        (a.volunteer_id, a.target_id) for a in result.assignments
    }
    new = results.store(built, result, programme)
    assert new.base_plan_id == plan.id
    assert new.diff["withdrawn"] == [[gone.volunteer_id, ids.post_id(gone.post_id)]]
    kept = {(a.volunteer_id, a.post_id) for a in plan.assignments if a.status == "confirmed"}
    assert kept <= {(a.volunteer_id, a.post_id) for a in new.assignments}


def test_a_withdrawn_team_member_leaves_the_team_not_the_team_the_post(app):
    programme, posts, people, team = summer(posts=1, singles=0, team_size=3)
    built, result = _solve(programme)
    plan = results.store(built, result, programme)
    plan.state = "published"
    for a in plan.assignments:
        a.status = "confirmed"
    member = next(a for a in plan.assignments if a.volunteer_id != team.leader_id)
    member.status = "withdrawn"
    db.session.commit()
    built = adapter.build(programme, base=plan)
    (engine_team,) = built.problem.teams
    assert ids.volunteer_id(member.volunteer_id) not in engine_team.member_ids
    assert not built.problem.forbidden  # the team is not kept off its post
    result = results.solve_built(built, FAST)
    assert result.diff is not None and result.diff.moved == () and result.diff.added == ()


def test_nothing_to_plan_is_said_before_solving(app):
    programme = factories.programme(kind="tutoring")
    with pytest.raises(adapter.NothingToPlan) as err:
        adapter.build(programme)
    assert err.value.reason == "no_targets"
    programme, _, people = term(volunteers=1)
    programme.volunteers = []
    db.session.commit()
    with pytest.raises(adapter.NothingToPlan) as err:
        adapter.build(programme)
    assert err.value.reason == "no_volunteers"


def test_a_team_larger_than_every_post_is_named(app):
    programme, posts, _, team = summer(posts=1, singles=0, team_size=5)
    posts[0].beds = 3
    db.session.commit()
    with pytest.raises(adapter.NothingToPlan) as err:
        adapter.build(programme)
    assert err.value.reason == "invalid" and err.value.item == f"team {ids.team_id(team.id)}"


def test_checking_a_plan_against_current_data(app):
    programme, event, people = term(volunteers=1, weekdays=(1,))
    built, result = _solve(programme)
    plan = results.store(built, result, programme)
    db.session.commit()
    people[0].vetting_status = "expired"
    db.session.commit()
    built = adapter.build(programme)
    rows = [shared.engine_assignment(a) for a in db.session.get(Plan, plan.id).assignments]
    assert [v.key for v in results.check(built, rows)] == ["cleared"]
    available(people[0])  # unchanged data otherwise
