from datetime import date

import pytest
from conftest import post, slot, vol

from webapp.scheduling import (
    DateRange,
    Need,
    PostsProblem,
    Team,
    TutoringProblem,
    ValidationError,
    solve,
)


def tut(vols=None, slots=None, **kw):
    return TutoringProblem(
        tuple(vols if vols is not None else [vol("a", "math")]),
        tuple(slots if slots is not None else [slot("s1")]),
        **kw,
    )


def test_negative_headcount_names_the_need():
    with pytest.raises(ValidationError, match="slot s1 need math") as err:
        solve(tut(slots=[slot("s1", Need("math", -1, 1))]), raise_invalid=True)
    assert err.value.field == "headcount"


def test_slot_ending_before_it_starts_is_rejected():
    with pytest.raises(ValidationError, match="slot s9"):
        solve(tut(slots=[slot("s9", start=900, end=800)]), raise_invalid=True)


def test_post_ending_before_it_starts_is_rejected():
    p = post("p1")
    bad = post("p2")
    bad = bad.__class__(**{**bad.__dict__, "dates": DateRange(date(2025, 7, 15), date(2025, 7, 8))})
    with pytest.raises(ValidationError, match="post p2"):
        solve(PostsProblem((vol("a"),), (p, bad)), raise_invalid=True)


def test_unknown_skill_is_named():
    problem = tut(slots=[slot("s1", Need("juggling"))], skills=frozenset({"math"}))
    with pytest.raises(ValidationError, match="juggling"):
        solve(problem, raise_invalid=True)


def test_team_larger_than_any_post_is_rejected():
    vols = tuple(vol(f"m{i}") for i in range(5))
    problem = PostsProblem(
        vols, (post("p1", hi=4, beds=3),), teams=(Team("t1", tuple(v.id for v in vols)),)
    )
    with pytest.raises(ValidationError, match="team t1") as err:
        solve(problem, raise_invalid=True)
    assert "larger than any post" in str(err.value)


def test_empty_volunteer_list_is_rejected():
    with pytest.raises(ValidationError, match="volunteer list is empty"):
        solve(tut(vols=[]), raise_invalid=True)


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValidationError, match="volunteer a"):
        solve(tut(vols=[vol("a", "math"), vol("a", "math")]), raise_invalid=True)
    with pytest.raises(ValidationError, match="slot s1"):
        solve(tut(slots=[slot("s1"), slot("s1")]), raise_invalid=True)


def test_min_above_max_is_rejected():
    with pytest.raises(ValidationError, match="min 3 > max 1"):
        solve(tut(slots=[slot("s1", Need("math", 3, 1))]), raise_invalid=True)


def test_bad_input_gives_an_invalid_plan_with_explanation_not_a_crash():
    plan = solve(tut(vols=[]))
    assert plan.status == "invalid"
    assert plan.explanations[0].kind == "invalid"
    assert "volunteers" in plan.explanations[0].text["en"]
    assert plan.explanations[0].text["zh_CN"].startswith("输入有误")
