"""The CSV travel matrix: reading it, rejecting unknown pairs, and the models using it."""

from pathlib import Path

import pytest
from conftest import FAST, HOME, post, slot, vol

from webapp.scheduling import (
    Location,
    PostsProblem,
    TutoringProblem,
    ValidationError,
    solve,
    validate_posts,
    validate_tutoring,
)
from webapp.scheduling.checks import check_posts, check_tutoring
from webapp.scheduling.travel import load_matrix_csv, travel_minutes

FAR = Location(29.5, 110.5, "far away")


def write(tmp_path: Path, text: str, bom: bool = False) -> Path:
    path = tmp_path / "matrix.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_matrix_is_read_with_a_spreadsheet_bom_and_spaces(tmp_path: Path):
    path = write(tmp_path, "from_id,to_id,minutes\nv1,s1,25\nv1, h2 ,40\n张三,s1,0\n", bom=True)
    assert load_matrix_csv(path) == {("v1", "s1"): 25, ("v1", "h2"): 40, ("张三", "s1"): 0}
    assert load_matrix_csv(path, from_ids={"v1", "张三"}, to_ids={"s1", "h2"}) == {
        ("v1", "s1"): 25,
        ("v1", "h2"): 40,
        ("张三", "s1"): 0,
    }


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("from,to_id,minutes\nv1,s1,5\n", "header", "missing column 'from_id'"),
        ("from_id,to_id,minutes\nv1,s1,5\nv1,s2,ten\n", "minutes", "'ten' is not a whole"),
        ("from_id,to_id,minutes\nv1,s1,-5\n", "minutes", "'-5' is not a whole"),
        ("from_id,to_id,minutes\nv1,s1,5\nv1,s1,6\n", "from_id", "listed twice"),
        ("from_id,to_id,minutes\nv1,s1,5\nv9,s1,6\n", "from_id", "unknown pair v9->s1: no 'v9'"),
        ("from_id,to_id,minutes\nv1,s7,5\n", "to_id", "unknown pair v1->s7: no 's7'"),
    ],
)
def test_bad_matrix_rows_name_the_line(tmp_path: Path, text: str, field: str, words: str):
    with pytest.raises(ValidationError) as err:
        load_matrix_csv(write(tmp_path, text), from_ids={"v1"}, to_ids={"s1", "s2"})
    assert err.value.field == field and words in err.value.message
    if field != "header":
        assert err.value.item == f"travel matrix matrix.csv line {text.count(chr(10))}"


def test_unknown_pair_in_a_problem_is_a_validation_error_not_a_silent_estimate():
    problem = TutoringProblem(
        (vol("a", "math"),), (slot("s1"),), travel_minutes={("a", "s1"): 10, ("b", "s1"): 5}
    )
    with pytest.raises(ValidationError, match="unknown pair: no volunteer 'b'"):
        validate_tutoring(problem)
    plan = solve(problem, FAST)
    assert plan.status == "invalid" and "b->s1" in plan.explanations[0].text["en"]
    typo = TutoringProblem((vol("a", "math"),), (slot("s1"),), travel_minutes={("a", "S1"): 5})
    with pytest.raises(ValidationError, match="no slot or home 'S1'"):
        validate_tutoring(typo)
    posts = PostsProblem((vol("a"),), (post("p1"),), travel_minutes={("a", "p2"): 5})
    with pytest.raises(ValidationError, match="no post 'p2'"):
        validate_posts(posts)


def test_tutoring_model_uses_the_matrix_for_the_limit_and_the_travel_term(tmp_path: Path):
    # By straight line "near" is next door and "far" is hours away; the matrix says otherwise
    # (a river without a bridge; a fast road). One row is keyed by the home, one by the slot.
    assert travel_minutes(HOME, HOME) == 0 and travel_minutes(FAR, HOME) > 60
    path = write(tmp_path, "from_id,to_id,minutes\nnear,h1,75\nfar,s1,20\n")
    vols = (
        vol("near", "math", max_travel_minutes=60),
        vol("far", "math", home=FAR, max_travel_minutes=60),
    )
    slots = (slot("s1", home="h1"),)
    matrix = load_matrix_csv(path, {v.id for v in vols}, {"s1", "h1"})
    problem = TutoringProblem(vols, slots, travel_minutes=matrix)
    plan = solve(problem, FAST)
    assert plan.status == "optimal"
    assert [(a.volunteer_id, a.target_id) for a in plan.assignments] == [("far", "s1")]
    assert plan.term("travel") == 2 * 20  # round trip, from the matrix
    assert check_tutoring(problem, plan.assignments) == []
    # Without the matrix the estimate decides the other way round.
    plain = solve(TutoringProblem(vols, slots), FAST)
    assert [a.volunteer_id for a in plain.assignments] == ["near"]


def test_posts_model_uses_the_matrix(tmp_path: Path):
    path = write(tmp_path, "from_id,to_id,minutes\nnear,p1,500\nfar,p1,30\n")
    vols = (vol("near", max_travel_minutes=240), vol("far", home=FAR, max_travel_minutes=240))
    posts = (post("p1", lo=1, hi=1, beds=1),)
    problem = PostsProblem(vols, posts, travel_minutes=load_matrix_csv(path))
    plan = solve(problem, FAST)
    assert plan.status == "optimal"
    assert [a.volunteer_id for a in plan.assignments] == ["far"]
    assert plan.term("travel") == 30
    assert check_posts(problem, plan.assignments) == []
