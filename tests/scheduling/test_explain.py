from conftest import FAST, post, slot, vol

from webapp.scheduling import (
    Need,
    Pin,
    PostsProblem,
    Rules,
    TimeWindow,
    TutoringProblem,
    solve,
)

MONDAY = (TimeWindow(0, 0, 1440),)


def test_unfilled_need_reports_funnel_and_availability_as_blocking_reason():
    # Two cleared English teachers exist, but both are free only on Monday; the slot is Tuesday.
    vols = [
        vol("e1", "english", availability=MONDAY),
        vol("e2", "english", availability=MONDAY),
        vol("m1", "math"),
    ]
    plan = solve(TutoringProblem(tuple(vols), (slot("s1", Need("english"), weekday=1),)), FAST)
    (exp,) = [e for e in plan.explanations if e.kind == "unfilled"]
    assert exp.params["blocking"] == "available"
    funnel = dict(exp.params["funnel"])
    assert funnel["all"] == 3 and funnel["skill"] == 2 and funnel["available"] == 0
    assert "available at that time" in exp.text["en"]
    assert "该时间有空的人太少" in exp.text["zh_CN"]


def test_unfilled_need_blocked_by_busy_candidates_says_so():
    vols = [vol("e1", "english")]
    slots = (
        slot("s1", Need("english"), start=900, end=960),
        slot("s2", Need("english"), start=930, end=990),
    )
    plan = solve(TutoringProblem(tuple(vols), slots), FAST)
    (exp,) = [e for e in plan.explanations if e.kind == "unfilled"]
    assert exp.params["blocking"] == "free"


def test_uncleared_pin_is_reported_as_conflicting_rules():
    problem = TutoringProblem(
        (vol("u", "math", cleared=False),), (slot("s1"),), pins=(Pin("u", "s1"),)
    )
    plan = solve(problem, FAST)
    assert plan.status == "infeasible"
    summary = plan.explanations[0]
    assert summary.kind == "infeasible"
    assert sorted(summary.params["rules"]) == ["cleared", "pin"]
    assert "not cleared" in summary.text["en"] and "未通过审核" in summary.text["zh_CN"]


def test_post_needing_two_english_teachers_with_one_free_names_the_minimum():
    vols = [vol("e1", "英语"), vol("e2", "英语", cleared=False), vol("a1", "美术")]
    posts = (
        post("post3", lo=1, hi=4, skill_counts=(("英语", 2),), name="Post 3"),
        post("other", lo=1, hi=4),
    )
    problem = PostsProblem(tuple(vols), posts, rules=Rules(hard_minimums=True))
    plan = solve(problem, FAST)
    assert plan.status == "infeasible"
    summary = plan.explanations[0]
    assert summary.params["rules"] == ["min"]
    assert "post3 needs at least 2 英语 people" in summary.text["en"]
    assert "but only 1 eligible 英语 people are free 07/08–07/15" in summary.text["en"]


def test_weekly_load_conflict_with_two_pins_is_named():
    v = vol("a", "math", max_sessions_per_week=1)
    problem = TutoringProblem(
        (v,), (slot("s1", weekday=1), slot("s2", weekday=2)), pins=(Pin("a", "s1"), Pin("a", "s2"))
    )
    plan = solve(problem, FAST)
    assert plan.status == "infeasible"
    assert sorted(plan.explanations[0].params["rules"]) == ["pin", "pin", "sessions"]
