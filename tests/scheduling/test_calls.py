import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.scheduling.calls import (
    CallFamily,
    CallRoom,
    VideoCallProblem,
    call_slots,
    check_calls,
    overlap_groups,
    parse_slot_id,
    slot_id,
    solve_calls,
)
from webapp.scheduling.plan import Assignment
from webapp.scheduling.problem import TimeWindow as W
from webapp.scheduling.solver import SolveParams

FAST = SolveParams(time_limit=10.0, deterministic_time=5.0, seed=7, strategy="lin2")
THU_EVENING = W(3, 1140, 1260)  # Thursday 19:00-21:00


def room(rid="r1", *hours, capacity=1, home="h1"):
    return CallRoom(rid, home, hours or (THU_EVENING,), capacity)


def fam(fid, *times, home="h1", children=None, **kw):
    return CallFamily(fid, home, children or (f"c-{fid}",), times or (THU_EVENING,), **kw)


def placed(plan):
    return {a.volunteer_id: a.target_id for a in plan.assignments}


def test_slot_ids_read_back_and_bad_ids_are_refused():
    assert slot_id("r3", 3, 1170) == "r3@3:1170"
    assert parse_slot_id("r3@3:1170") == ("r3", 3, 1170)
    assert parse_slot_id("room@2@6:600") == ("room@2", 6, 600)
    for bad in ("r3", "r3@3", "@3:10", "r3@x:10"):
        with pytest.raises(ValueError):
            parse_slot_id(bad)


def test_slots_step_from_each_window_start_and_stay_inside_room_and_duty_hours():
    problem = VideoCallProblem(
        (room("r1", W(3, 1140, 1250), W(5, 545, 600)),),
        (),
        duty_hours={"h1": (W(3, 1000, 1220), W(5, 0, 1440))},
    )
    starts = [(s.weekday, s.start, s.end) for s in call_slots(problem)]
    # Thursday 19:00-20:20 in 20-minute steps; 20:20-20:40 is after the duty manager leaves.
    # Saturday steps from 09:05, the window's start; 09:45-10:05 would pass the room's 10:00.
    assert starts == [
        (3, 1140, 1160),
        (3, 1160, 1180),
        (3, 1180, 1200),
        (3, 1200, 1220),
        (5, 545, 565),
        (5, 565, 585),
    ]


def test_a_home_without_duty_hours_uses_the_room_hours_only():
    problem = VideoCallProblem((room("r1", W(0, 600, 660)),), (), duty_hours={"h2": ()})
    assert len(call_slots(problem)) == 3


def test_siblings_call_together_in_one_slot():
    sibs = fam("f1", children=("c1", "c2", "c3"))
    plan = solve_calls(VideoCallProblem((room(),), (sibs, fam("f2"))), FAST)
    assert plan.status == "optimal"
    assert [a.volunteer_id for a in plan.assignments].count("f1") == 1
    assert check_calls(VideoCallProblem((room(),), (sibs, fam("f2"))), plan) == []


def test_room_capacity_is_respected_counting_overlapping_slots():
    # Two windows offset by 10 minutes: 19:00-19:20 and 19:10-19:30 overlap.
    r = room("r1", W(3, 1140, 1160), W(3, 1150, 1170), capacity=1)
    families = tuple(fam(f"f{i}", W(3, 1140, 1170)) for i in range(3))
    problem = VideoCallProblem((r,), families)
    plan = solve_calls(problem, FAST)
    assert plan.status == "optimal" and len(plan.assignments) == 1
    assert check_calls(problem, plan) == []
    assert len(overlap_groups(call_slots(problem))) == 2
    both = [Assignment("f0", "r1@3:1140"), Assignment("f1", "r1@3:1150")]
    assert any("2 calls" in e for e in check_calls(problem, both))


def test_a_room_for_two_holds_two_calls_at_once():
    problem = VideoCallProblem(
        (room("r1", W(3, 1140, 1160), capacity=2),), tuple(fam(f"f{i}") for i in range(3))
    )
    plan = solve_calls(problem, FAST)
    assert len(plan.assignments) == 2 and plan.term("unplaced") == 1


def test_calls_lie_inside_the_parents_times():
    problem = VideoCallProblem((room(),), (fam("f1", W(3, 1220, 1300)),))
    plan = solve_calls(problem, FAST)
    assert placed(plan) == {"f1": "r1@3:1220"}  # 20:20-20:40, the only slot inside both


def test_last_weeks_slot_is_kept_when_possible():
    problem = VideoCallProblem((room(),), (fam("f1", last_slot="r1@3:1200"), fam("f2")))
    plan = solve_calls(problem, FAST)
    assert placed(plan)["f1"] == "r1@3:1200"
    assert plan.term("moved") == 0


def test_when_the_room_is_short_the_child_who_missed_most_weeks_calls_first():
    r = room("r1", W(3, 1140, 1160))
    problem = VideoCallProblem((r,), (fam("f1"), fam("f2", missed_weeks=2), fam("f3")))
    plan = solve_calls(problem, FAST)
    assert set(placed(plan)) == {"f2"}
    assert plan.term("unplaced") == 2 and plan.term("missed_weeks") == 0


def test_pins_are_kept_and_forbidden_slots_avoided():
    problem = VideoCallProblem(
        (room(),),
        (fam("f1"), fam("f2")),
        pins=(("f2", "r1@3:1220"),),
        forbidden=(("f1", "r1@3:1140"),),
    )
    plan = solve_calls(problem, FAST)
    assert placed(plan)["f2"] == "r1@3:1220"
    assert placed(plan)["f1"] != "r1@3:1140"
    assert check_calls(problem, plan) == []


def test_the_checker_names_each_broken_rule():
    problem = VideoCallProblem(
        (room("r1", W(3, 1140, 1200)), room("r2", home="h2")),
        (
            fam("f1", school=(W(3, 1140, 1150),)),
            fam("f2", W(3, 1180, 1200), children=("c1", "c9")),
            fam("f3", children=("c9",)),
        ),
        duty_hours={"h1": (W(3, 1140, 1180),)},
        pins=(("f3", "r1@3:1140"),),
        forbidden=(("f1", "r1@3:1140"),),
    )
    bad = [
        Assignment("f1", "r1@3:1140"),  # school, forbidden
        Assignment("f1", "r1@3:1160"),  # second call of f1
        Assignment("f2", "r1@3:1140"),  # parents' times; capacity with f1
        Assignment("f3", "r2@3:1140"),  # another home's room; child c9 twice; pin not kept
        Assignment("f2", "r1@3:1180"),  # outside duty hours
        Assignment("f3", "r1@3:1145"),  # not on the room's 20-minute steps
        Assignment("fx", "r1@3:1140"),
        Assignment("f1", "nonsense"),
    ]
    errors = "\n".join(check_calls(problem, bad))
    for words in (
        "in school time",
        "forbidden slot used",
        "family f1 has 3 calls",
        "outside the parents' times",
        "room r1: ",
        "another home",
        "child c9 has 2 calls",
        "pin not kept",
        "duty manager",
        "outside the room's hours",
        "unknown family",
        "bad slot id",
    ):
        assert words in errors, words


def test_the_same_input_gives_the_same_plan_with_a_deterministic_budget():
    families = tuple(fam(f"f{i}", W(3, 1140 + 20 * (i % 3), 1260)) for i in range(8))
    problem = VideoCallProblem((room(capacity=2), room("r2")), families)
    assert solve_calls(problem, FAST).assignments == solve_calls(problem, FAST).assignments


def test_progress_is_reported_and_a_set_stop_flag_ends_the_run():
    problem = VideoCallProblem((room(),), tuple(fam(f"f{i}") for i in range(4)))
    seen = []
    plan = solve_calls(problem, FAST, on_progress=seen.append)
    assert plan.status == "optimal" and seen
    stop = threading.Event()
    stop.set()
    stopped = solve_calls(problem, FAST, stop=stop)
    # Stopped before or at CP-SAT's first plan: a rota all the same (the greedy one at worst).
    assert stopped.status in ("optimal", "feasible") and len(stopped.assignments) == 4
    assert check_calls(problem, stopped) == []


windows = st.builds(
    lambda d, s, n: W(d, 1080 + 10 * s, min(1440, 1080 + 10 * s + 10 * n)),
    st.integers(0, 1),
    st.integers(0, 12),
    st.integers(1, 12),
)


@st.composite
def problems(draw):
    rooms = tuple(
        CallRoom(
            f"r{i}",
            f"h{i % 2}",
            tuple(draw(st.lists(windows, min_size=1, max_size=3))),
            draw(st.integers(1, 2)),
        )
        for i in range(draw(st.integers(1, 3)))
    )
    families = tuple(
        CallFamily(
            f"f{i}",
            f"h{draw(st.integers(0, 1))}",
            tuple(f"c{i}-{k}" for k in range(draw(st.integers(1, 3)))),
            tuple(draw(st.lists(windows, min_size=0, max_size=3))),
            tuple(draw(st.lists(windows, min_size=0, max_size=1))),
            missed_weeks=draw(st.integers(0, 2)),
        )
        for i in range(draw(st.integers(1, 8)))
    )
    duty = (
        {"h0": tuple(draw(st.lists(windows, min_size=1, max_size=2)))}
        if draw(st.booleans())
        else {}
    )
    return VideoCallProblem(rooms, families, duty, slot_minutes=draw(st.sampled_from((20, 30))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_solved_random_rota_passes_the_independent_checker(problem):
    plan = solve_calls(problem, FAST)
    assert plan.status == "optimal"
    assert check_calls(problem, plan) == []
    assert len(plan.explanations) == plan.term("unplaced")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_pinning_part_of_a_rota_and_forbidding_other_slots_keeps_every_rule(problem, data):
    first = solve_calls(problem, FAST)
    pins = tuple(
        (a.volunteer_id, a.target_id) for a in first.assignments if data.draw(st.booleans())
    )
    slots = [s.id for s in call_slots(problem)]
    pinned = {f for f, _ in pins}
    forbidden = tuple(
        (f.id, s)
        for f in problem.families
        for s in slots
        if f.id not in pinned and data.draw(st.integers(0, 3)) == 0
    )
    again = VideoCallProblem(
        problem.rooms, problem.families, problem.duty_hours, problem.slot_minutes, pins, forbidden
    )
    plan = solve_calls(again, FAST)
    assert plan.status == "optimal" and check_calls(again, plan) == []
    assert set(pins) <= {(a.volunteer_id, a.target_id) for a in plan.assignments}
