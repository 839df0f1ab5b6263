"""The rules of rules.py as their four readers see them: the checker, the funnel, the greedy
baseline and the models' candidate filtering must agree on any instance."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import HOME, post, vol
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from webapp.scheduling import (
    Assignment,
    Forbidden,
    Location,
    Need,
    PostsProblem,
    Slot,
    Team,
    TimeWindow,
    TutoringProblem,
    ValidationError,
    validate_posts,
    validate_tutoring,
)
from webapp.scheduling.checks import posts_violations, tutoring_violations
from webapp.scheduling.explain import (
    BLOCK_TEXT,
    STAGE_TEXT,
    _rule_text,
    posts_funnel,
    tutoring_funnel,
)
from webapp.scheduling.greedy import greedy_posts, greedy_tutoring
from webapp.scheduling.posts import build_posts_model
from webapp.scheduling.rules import (
    POST_RULES,
    TUTORING_RULES,
    PostsContext,
    TutoringContext,
    coverage_requirements,
)
from webapp.scheduling.tutoring import build_tutoring_model

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SKILLS = ("math", "art")
CANDIDATE_KEYS = {r.check_key for r in TUTORING_RULES} | {r.check_key for r in POST_RULES}


def _place(draw) -> Location:
    # Up to ~25 km from HOME: travel limits of 20-90 minutes bind for some, not all.
    return Location(HOME.lat + draw(st.floats(0, 0.2)), HOME.lon + draw(st.floats(0, 0.2)))


@st.composite
def tutoring_problems(draw) -> TutoringProblem:
    slots = []
    for j in range(draw(st.integers(1, 4))):
        start = draw(st.sampled_from((540, 600, 900, 960)))
        needs = []
        for skill in draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True)):
            lo = draw(st.integers(0, 2))
            hi = lo + draw(st.integers(0, 2))
            needs.append(Need(skill, lo, max(hi, 1), vetting_required=draw(st.booleans())))
        slots.append(
            Slot(
                f"s{j}",
                f"h{draw(st.integers(0, 2))}",
                draw(st.integers(0, 2)),
                start,
                start + draw(st.sampled_from((60, 90, 120))),
                tuple(needs),
                _place(draw),
                last_date=date(2025, 12, 1),
            )
        )
    vols = []
    for i in range(draw(st.integers(1, 6))):
        windows = draw(st.none() | st.just((TimeWindow(0, 480, 1200), TimeWindow(2, 840, 1080))))
        vols.append(
            vol(
                f"v{i}",
                *draw(st.sets(st.sampled_from(SKILLS), max_size=2)),
                cleared=draw(st.booleans()),
                cleared_until=draw(st.sampled_from((None, date(2025, 11, 1)))),
                home=_place(draw),
                transport=draw(st.sampled_from(("bus", "car", "walk"))),
                max_travel_minutes=draw(st.sampled_from((20, 45, 90))),
                max_sessions_per_week=draw(st.integers(0, 3)),
                max_minutes_per_week=draw(st.sampled_from((120, 300, 600))),
                availability=windows,
                unavailable_targets=frozenset(draw(st.sets(st.sampled_from(["s0", "s1"])))),
            )
        )
    targets = [s.id for s in slots] + [s.home_id for s in slots]
    forbidden = draw(
        st.sets(
            st.tuples(st.sampled_from([v.id for v in vols]), st.sampled_from(targets)), max_size=3
        )
    )
    problem = TutoringProblem(
        tuple(vols), tuple(slots), forbidden=tuple(Forbidden(a, b) for a, b in sorted(forbidden))
    )
    validate_tutoring(problem)
    return problem


@st.composite
def posts_problems(draw) -> PostsProblem:
    vols = [
        vol(
            f"v{i}",
            *draw(st.sets(st.sampled_from(SKILLS), max_size=2)),
            cleared=draw(st.booleans()),
            cleared_until=draw(st.sampled_from((None, date(2025, 7, 13)))),
            home=_place(draw),
            max_travel_minutes=draw(st.sampled_from((20, 60, 300))),
            max_posts=draw(st.integers(1, 2)),
            is_leader=draw(st.booleans()),
            is_adult=draw(st.booleans()),
        )
        for i in range(draw(st.integers(1, 7)))
    ]
    ids = [v.id for v in vols]
    teams, i = [], 0
    while i + 2 <= len(ids) and draw(st.booleans()):
        size = draw(st.integers(2, 3))
        teams.append(Team(f"t{len(teams)}", tuple(ids[i : i + size])))
        i += size
    posts = []
    for j in range(draw(st.integers(1, 4))):
        first = date(2025, 7, draw(st.sampled_from((8, 12, 20))))
        lo = draw(st.integers(0, 3))
        posts.append(
            post(
                f"p{j}",
                f"{first:%m-%d}",
                f"{first + timedelta(days=6):%m-%d}",
                lo,
                max(3, lo + draw(st.integers(0, 2))),
                draw(st.integers(2, 5)),
                location=_place(draw),
                need_leader=draw(st.booleans()),
                need_cleared_adult=draw(st.booleans()),
                vetting_required=draw(st.booleans()),
                max_travel_minutes=draw(st.sampled_from((None, 60))),
                skill_counts=(("math", draw(st.integers(0, 1))),),
            )
        )
    units = [t.id for t in teams] + ids
    forbidden = draw(
        st.sets(
            st.tuples(st.sampled_from(units), st.sampled_from([p.id for p in posts])), max_size=2
        )
    )
    problem = PostsProblem(
        tuple(vols),
        tuple(posts),
        tuple(teams),
        forbidden=tuple(Forbidden(a, b) for a, b in sorted(forbidden)),
    )
    try:
        validate_posts(problem)
    except ValidationError:
        assume(False)  # a team larger than every post
    return problem


def _new(found_before, found_after) -> list:
    def key(v) -> tuple:
        return (v.key, tuple(sorted((k, str(x)) for k, x in v.params.items())))

    known = {key(v) for v in found_before}
    return [v for v in found_after if key(v) not in known]


# --------------------------------------------------------------------------- greedy vs checker


@SETTINGS
@given(tutoring_problems())
def test_greedy_tutoring_plan_always_passes_the_checker(problem):
    assert tutoring_violations(problem, greedy_tutoring(problem).assignments) == []


@SETTINGS
@given(posts_problems())
def test_greedy_posts_plan_always_passes_the_checker(problem):
    assert posts_violations(problem, greedy_posts(problem).assignments) == []


# --------------------------------------------------------------------------- funnel vs checker


@SETTINGS
@given(tutoring_problems())
def test_tutoring_funnel_counts_exactly_those_the_checker_lets_in(problem):
    """For every need still below its maximum, the funnel's last count is the number of people
    who can be added there without the checker finding anything new, and each of those passes
    every candidate rule."""
    plan = list(greedy_tutoring(problem).assignments)
    before = tutoring_violations(problem, plan)
    for s in problem.slots:
        for need in s.needs:
            have = [a for a in plan if (a.target_id, a.skill) == (s.id, need.skill)]
            if len(have) >= need.max:
                continue
            funnel = tutoring_funnel(problem, plan, s.id, need.skill)
            filling = {a.volunteer_id for a in have}
            fine = []
            for v in problem.volunteers:
                if v.id in filling:
                    continue
                new = _new(
                    before,
                    tutoring_violations(problem, [*plan, Assignment(v.id, s.id, need.skill)]),
                )
                if not new:
                    fine.append(v.id)
            assert funnel[-1][1] == len(fine), (s.id, need.skill, funnel, fine)
            assert funnel[0][1] == len(problem.volunteers) - len(filling)


@SETTINGS
@given(posts_problems())
def test_posts_funnel_counts_exactly_those_the_checker_lets_in(problem):
    """For every coverage requirement, the funnel's last count is the number of people who count
    for it and whose whole unit fits the post and can join it with nothing new broken but the
    post's capacity (the funnel counts who could come, not whether a bed is still free)."""
    plan = list(greedy_posts(problem).assignments)
    before = posts_violations(problem, plan)
    ctx = PostsContext(problem)
    for p in problem.posts:
        for req in coverage_requirements(p):
            funnel = posts_funnel(problem, plan, p.id, req.name)
            there = {a.volunteer_id for a in plan if a.target_id == p.id}
            fine = []
            for v in problem.volunteers:
                if v.id in there or not req.counts(v, p):
                    continue
                u = ctx.unit_of_volunteer(v.id)
                arriving = [Assignment(m, p.id, None, u.team_id) for m in u.member_ids]
                new = _new(before, posts_violations(problem, plan + arriving))
                alone = posts_violations(problem, arriving)  # the unit by itself must fit
                if all(x.key == "capacity" for x in new) and not any(
                    x.key == "capacity" for x in alone
                ):
                    fine.append(v.id)
            assert funnel[-1][1] == len(fine), (p.id, req.name, funnel, fine)


# --------------------------------------------------------------------------- models vs checker


@SETTINGS
@given(tutoring_problems())
def test_tutoring_model_has_a_variable_exactly_for_each_candidate(problem):
    built = build_tutoring_model(problem)
    for v in problem.volunteers:
        for s in problem.slots:
            for need in s.needs:
                alone = tutoring_violations(problem, [Assignment(v.id, s.id, need.skill)])
                candidate = not any(x.key in CANDIDATE_KEYS for x in alone)
                assert ((v.id, s.id, need.skill) in built.assign) == candidate


@SETTINGS
@given(posts_problems())
def test_posts_model_places_a_unit_only_where_every_member_may_go(problem):
    built = build_posts_model(problem)
    ctx = PostsContext(problem)
    for u in ctx.units.values():
        for p in problem.posts:
            together = [Assignment(m, p.id, None, u.team_id) for m in u.member_ids]
            found = {x.key for x in posts_violations(problem, together)}
            candidate = not (found & CANDIDATE_KEYS) and "capacity" not in found
            assert ((u.id, p.id, "") in built.assign) == candidate


# --------------------------------------------------------------------------- words


def test_every_rule_key_has_words_in_both_languages():
    """A new rule needs its words: a funnel stage, a blocking reason and its name in a conflict."""
    for rule in (*TUTORING_RULES, *POST_RULES):
        assert rule.key in STAGE_TEXT and rule.key in BLOCK_TEXT
        zh, en = _rule_text(rule.key, {"volunteer": "v1", "slot": "s1"}, None)
        assert not en.startswith("rule "), rule.key


@SETTINGS
@given(tutoring_problems())
def test_candidates_are_the_volunteers_no_candidate_rule_blocks_in_problem_order(problem):
    ctx = TutoringContext(problem)
    for s in problem.slots:
        for need in s.needs:
            every = [v for v in problem.volunteers if ctx.static_block(v, s, need) is None]
            assert ctx.candidates()[s.id, need.skill] == every
