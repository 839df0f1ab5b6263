"""The independent checker: structured violations (key + params) and dated clearances."""

import dataclasses
from datetime import date

from conftest import FAST, post, slot, vol

from webapp.scheduling import (
    Assignment,
    Need,
    PostsProblem,
    Team,
    TutoringProblem,
    solve,
)
from webapp.scheduling.checks import (
    check_posts,
    check_tutoring,
    posts_violations,
    supervision_violations,
    tutoring_violations,
)
from webapp.scheduling.explain import posts_reasons, tutoring_reasons


def test_tutoring_violations_name_the_rule_and_the_people():
    problem = TutoringProblem(
        (vol("a", "math", cleared=False), vol("b", "art")),
        (slot("s1", Need("math", 1, 1)),),
    )
    found = tutoring_violations(
        problem, [Assignment("a", "s1", "math"), Assignment("b", "s1", "math")]
    )
    keys = {(v.key, v.params.get("volunteer")) for v in found}
    assert ("cleared", "a") in keys
    assert ("skill", "b") in keys
    assert any(v.key == "max" and v.params["count"] == 2 for v in found)
    # The string API is the same list, as messages.
    assert check_tutoring(problem, [Assignment("a", "s1", "math")]) == [
        "Assignment(volunteer_id='a', target_id='s1', skill='math', team_id=None): not cleared"
    ]


def test_a_clearance_counts_only_through_its_last_day():
    until = date(2025, 7, 10)
    early = post("early", "07-01", "07-08", vetting_required=True)
    late = post("late", "07-08", "07-15", vetting_required=True)
    v = vol("a", cleared_until=until)
    problem = PostsProblem((v,), (early, late))
    assert posts_violations(problem, [Assignment("a", "early")]) == []
    assert [x.key for x in posts_violations(problem, [Assignment("a", "late")])] == ["cleared"]
    plan = solve(problem, FAST)
    assert {a.target_id for a in plan.assignments} == {"early"}


def test_a_tutoring_slot_past_the_clearance_is_not_a_candidate():
    v = vol("a", "math", cleared_until=date(2025, 10, 1))
    s1 = dataclasses.replace(slot("s1", weekday=1), last_date=date(2025, 9, 30))
    s2 = dataclasses.replace(slot("s2", weekday=2), last_date=date(2025, 12, 30))
    problem = TutoringProblem((v,), (s1, s2))
    plan = solve(problem, FAST)
    assert {a.target_id for a in plan.assignments} == {"s1"}
    assert [x.key for x in tutoring_violations(problem, [Assignment("a", "s2", "math")])] == [
        "cleared"
    ]


def test_unavailable_targets_keep_a_volunteer_off_and_read_as_availability():
    problem = TutoringProblem(
        (vol("a", "math", unavailable_targets=frozenset({"s1"})),), (slot("s1"),)
    )
    assert solve(problem, FAST).assignments == ()
    assert [x.key for x in tutoring_violations(problem, [Assignment("a", "s1", "math")])] == [
        "available"
    ]


def test_a_cleared_adult_must_be_cleared_through_the_post():
    p = post("p", "07-08", "07-15", need_cleared_adult=True, vetting_required=False)
    problem = PostsProblem((vol("a", cleared_until=date(2025, 7, 9)),), (p,))
    plan = solve(problem, FAST)
    assert plan.term("unfilled_min") == 1  # placed (no vetting required) but not counted
    assert check_posts(problem, plan.assignments) == []


def test_team_split_and_capacity_are_structured():
    problem = PostsProblem(
        (vol("a"), vol("b"), vol("c")),
        (post("p", hi=1, beds=1),),
        teams=(Team("t", ("a", "b")),),
    )
    found = posts_violations(problem, [Assignment("a", "p", None, "t"), Assignment("c", "p")])
    assert {v.key for v in found} == {"team_split", "capacity"}


def test_people_sent_to_a_post_without_its_leader_break_the_publishing_rule():
    problem = PostsProblem(
        (vol("a"), vol("b"), vol("lead", is_leader=True)),
        (post("p", need_leader=True), post("empty", need_leader=True)),
    )
    led = [Assignment("a", "p"), Assignment("lead", "p")]
    assert supervision_violations(problem, led) == []
    (found,) = supervision_violations(problem, [Assignment("a", "p"), Assignment("b", "p")])
    assert (found.key, found.params) == ("unled", {"post": "p", "requirement": "leader"})
    # Not a rule of the model or of its checker: the solver may still propose it.
    assert posts_violations(problem, [Assignment("a", "p")]) == []


def test_reasons_name_the_first_rule_that_keeps_each_person_out():
    problem = TutoringProblem(
        (vol("a", "math"), vol("b", "art"), vol("c", "math", cleared=False)),
        (slot("s1", Need("math", 1, 2)),),
    )
    assert tutoring_reasons(problem, [Assignment("a", "s1", "math")], "s1", "math") == {
        "b": "skill",
        "c": "cleared",
    }
    away = vol("away", unavailable_targets=frozenset({"p"}))
    posts = PostsProblem((vol("a"), away), (post("p"),))
    assert posts_reasons(posts, [], "p") == {"a": None, "away": "available"}
