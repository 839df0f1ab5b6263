from collections import Counter

from webapp.scheduling.calls import CallFamily, CallRoom, VideoCallProblem, solve_calls
from webapp.scheduling.calls_explain import merge, moved, spans_text, why_unplaced
from webapp.scheduling.calls_model import Context
from webapp.scheduling.problem import TimeWindow as W
from webapp.scheduling.solver import SolveParams

FAST = SolveParams(time_limit=10.0, deterministic_time=5.0, seed=7, strategy="lin2")
THU = W(3, 1080, 1230)  # the room: Thursday 18:00-20:30


def fam(fid, *times, home="h1", **kw):
    return CallFamily(fid, home, (f"c-{fid}",), times, **kw)


def why(*families, rooms=None, **kw):
    problem = VideoCallProblem(rooms or (CallRoom("r1", "h1", (THU,)),), families, **kw)
    plan = solve_calls(problem, FAST)
    return {e.params["family"]: e for e in plan.explanations}


def test_no_common_time_names_the_parents_times_and_when_the_room_closes():
    e = why(fam("f1", W(3, 1260, 1380), W(6, 1260, 1380), name="小明"))["f1"]
    assert e.kind == "unfilled" and e.key == "no_common_time" and e.target_id == "f1"
    assert e.text["en"] == (
        "小明 has no call slot this week: no common time: parents Thu 21:00-23:00, "
        "Sun 21:00-23:00; room Thu 18:00-20:30, closed Sun"
    )
    assert (
        "没有共同的时间：父母 周四 21:00-23:00、周日 21:00-23:00；房间 周四 18:00-20:30"
        in (e.text["zh_CN"])
    )
    assert e.params["parents"] == [[3, 1260, 1380], [6, 1260, 1380]]


def test_parents_without_times_are_told_apart():
    e = why(fam("f1"))["f1"]
    assert e.key == "no_parent_times" and "父母没有提供" in e.text["zh_CN"]


def test_a_home_without_a_room_is_told_apart():
    assert why(fam("f1", THU, home="h9"))["f1"].key == "no_room"


def test_common_time_outside_the_duty_managers_hours():
    e = why(fam("f1", W(3, 1200, 1230)), duty_hours={"h1": (W(3, 1080, 1200),)})["f1"]
    assert e.key == "no_duty_time"
    assert "Thu 20:00-20:30" in e.text["en"] and "值班 周四 18:00-20:00" in e.text["zh_CN"]


def test_common_time_shorter_than_a_call():
    e = why(fam("f1", W(3, 1215, 1260)))["f1"]
    assert e.key == "too_short" and "Thu 20:15-20:30" in e.text["en"]


def test_common_times_only_in_school_hours():
    e = why(fam("f1", THU, school=(W(3, 420, 1240),)))["f1"]
    assert e.key == "school_time"
    assert "school hours (Thu 07:00-20:40)" in e.text["en"] and "上课时间" in e.text["zh_CN"]


def test_every_common_slot_ruled_out_by_the_coordinator():
    e = why(fam("f1", W(3, 1080, 1100)), forbidden=(("f1", "r1@3:1080"),))["f1"]
    assert e.key == "forbidden" and "Thu 18:00-18:20" in e.text["en"]


def test_a_full_room_names_the_times_taken_by_others():
    room = CallRoom("r1", "h1", (W(3, 1170, 1210),))
    found = why(fam("f1", THU), fam("f2", THU), fam("f3", THU), rooms=(room,))
    assert len(found) == 1
    (e,) = found.values()
    assert e.key == "room_full"
    assert "every common slot (Thu 19:30-20:10) is taken" in e.text["en"]
    assert "都已排给其他孩子" in e.text["zh_CN"]


def test_a_free_common_slot_in_a_plan_not_proven_best_is_said_so():
    problem = VideoCallProblem((CallRoom("r1", "h1", (THU,)),), (fam("f1", THU),))
    e = why_unplaced(Context.of(problem), problem.families[0], Counter())
    assert e.key == "free_slot" and "not proven" in e.text["en"]


def test_pins_that_cannot_hold_make_the_problem_infeasible_with_the_reason():
    room = CallRoom("r1", "h1", (W(3, 1080, 1100),))
    problem = VideoCallProblem(
        (room,),
        (fam("f1", THU), fam("f2", THU), fam("f3", W(6, 600, 700))),
        pins=(("f1", "r1@3:1080"), ("f2", "r1@3:1080"), ("f3", "r1@3:1080"), ("f3", "x@1:2")),
    )
    plan = solve_calls(problem, FAST)
    assert plan.status == "infeasible" and not plan.assignments
    keys = {e.key for e in plan.explanations}
    assert keys == {"pin_twice", "pin_outside", "pins_over_capacity"}
    texts = " / ".join(e.text["en"] for e in plan.explanations)
    assert "outside the parents' times" in texts and "the room holds 1 at once" in texts
    assert all(e.kind == "infeasible" and e.text["zh_CN"] for e in plan.explanations)


def test_time_spans_are_merged_and_long_lists_are_cut_short():
    assert merge([(3, 1200, 1220), (3, 1180, 1200), (1, 0, 10)]) == [(1, 0, 10), (3, 1180, 1220)]
    spans = [(d, 600, 620) for d in range(7)] + [(0, 700, 720)]
    assert spans_text(spans, False).endswith("and 2 more")
    assert spans_text(spans, True).endswith("等另 2 段")


def test_a_family_moved_from_last_weeks_slot_is_told_why():
    rooms = (CallRoom("r1", "h1", (W(3, 1080, 1140),)), CallRoom("r2", "h2", (THU,)))
    problem = VideoCallProblem(
        rooms,
        (
            fam("f1", W(3, 1080, 1100), name="小红"),  # pinned to 18:00
            fam("f2", THU, last_slot="r1@3:1080"),  # last week 18:00: taken by f1
            fam("f3", W(3, 1100, 1120), last_slot="r1@3:1080"),  # 18:00 no longer fits
            fam("f4", THU, last_slot="r9@3:1080", home="h2"),  # that room is gone
            fam("f5", THU, last_slot="r2@3:1080", home="h2"),  # kept: no explanation
        ),
        pins=(("f1", "r1@3:1080"),),
    )
    plan = solve_calls(problem, FAST)
    assert plan.term("unplaced") == 0
    found = {e.params["family"]: e for e in moved(Context.of(problem), plan.assignments)}
    assert {f: e.key for f, e in found.items()} == {
        "f2": "last_taken",
        "f3": "last_unfit",
        "f4": "last_gone",
    }
    assert (
        found["f2"].text["en"]
        == "f2 moves from Thu 18:00 (r1) to Thu 18:40 (r1): 小红 has that slot"
    )
    assert found["f2"].params["taken_by"] == ["f1"]
    assert "outside the parents' times" in found["f3"].text["en"]
    assert "该时段不在父母可通话的时间内" in found["f3"].text["zh_CN"]
    assert all(e.kind == "moved" for e in found.values())
