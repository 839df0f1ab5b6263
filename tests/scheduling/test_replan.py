import dataclasses

from conftest import FAST, post, slot, vol

from webapp.scheduling import Location, Need, PostsProblem, TutoringProblem, solve
from webapp.scheduling.replan import diff_plans, replan


def county():
    vols = tuple(
        vol(f"v{i}", "math", "english", home=Location(29 + i / 80, 110.0), max_sessions_per_week=2)
        for i in range(8)
    )
    slots = tuple(
        slot(
            f"s{i}",
            Need("math"),
            Need("english"),
            weekday=i % 4,
            home=f"h{i}",
            loc=Location(29.03, 110 + i / 60),
        )
        for i in range(5)
    )
    return TutoringProblem(vols, slots)


def test_a_withdrawal_changes_only_the_withdrawn_volunteers_assignments():
    problem = county()
    first = solve(problem, FAST)
    leaving = first.assignments[0].volunteer_id
    changed = dataclasses.replace(
        problem, volunteers=tuple(v for v in problem.volunteers if v.id != leaving)
    )
    plan = replan(changed, first.assignments, FAST)
    before = {
        (a.volunteer_id, a.target_id, a.skill)
        for a in first.assignments
        if a.volunteer_id != leaving
    }
    after = {(a.volunteer_id, a.target_id, a.skill) for a in plan.assignments}
    assert before <= after  # everyone else keeps every assignment
    assert plan.term("change") == 0
    lost = [a for a in first.assignments if a.volunteer_id == leaving]
    assert set(plan.diff.removed) == set(lost)
    assert len(plan.diff.added) == len(lost)  # each lost seat refilled, nothing else touched
    assert plan.diff.affected_volunteers == {leaving} | {a.volunteer_id for a in plan.diff.added}


def test_a_new_slot_is_filled_without_moving_anyone_else():
    problem = county()
    first = solve(problem, FAST)
    extra = slot("new", Need("math"), weekday=5, home="h9", loc=Location(29.03, 110.0))
    plan = replan(
        dataclasses.replace(problem, slots=(*problem.slots, extra)), first.assignments, FAST
    )
    assert plan.diff.removed == () and plan.diff.moved == ()
    assert [a.target_id for a in plan.diff.added] == ["new"]


def test_post_dates_moving_onto_another_post_changes_nobody_who_can_stay():
    vols = tuple(vol(f"v{i}", max_posts=1) for i in range(4))
    posts = (
        post("a", "07-08", "07-14", lo=2, hi=2, beds=2),
        post("b", "07-20", "07-26", lo=2, hi=2, beds=2),
    )
    problem = PostsProblem(vols, posts)
    first = solve(problem, FAST)
    moved = (
        posts[0],
        dataclasses.replace(
            posts[1],
            dates=dataclasses.replace(
                posts[1].dates, start=posts[0].dates.start, end=posts[0].dates.end
            ),
        ),
    )
    plan = replan(dataclasses.replace(problem, posts=moved), first.assignments, FAST)
    assert set(first.assignments) == set(plan.assignments)
    assert plan.diff.affected_volunteers == frozenset()
    assert plan.term("unfilled_min") == 0


def test_diff_pairs_a_removal_and_an_addition_of_the_same_person_as_a_move():
    from webapp.scheduling import Assignment

    old = [Assignment("x", "s1", "math"), Assignment("y", "s2", "math")]
    new = [
        Assignment("x", "s3", "math"),
        Assignment("y", "s2", "math"),
        Assignment("z", "s1", "math"),
    ]
    d = diff_plans(old, new)
    assert d.moved == ((old[0], new[0]),)
    assert d.added == (new[2],) and d.removed == ()
    assert d.affected_volunteers == {"x", "z"}
