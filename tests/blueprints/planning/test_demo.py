"""The demo county's planning: drafts ready to solve, and a published term plan in which the
demo volunteer has upcoming assignments."""

from __future__ import annotations

from sqlalchemy import select

from webapp import clock
from webapp.blueprints.planning import adapter, ids
from webapp.blueprints.planning.adapter import results
from webapp.demo import load_demo_county, next_summer
from webapp.extensions import db
from webapp.models import Assignment, Event, Home, Need, Plan, Programme, Volunteer


def _demo():
    load_demo_county()
    db.session.commit()
    return {p.name: p for p in db.session.scalars(select(Programme))}


def test_the_demo_volunteer_has_upcoming_confirmed_assignments(app):
    programmes = _demo()
    term = next(p for p in programmes.values() if p.state == "published")
    assert term.kind == "tutoring" and term.starts_on <= clock.today() <= term.ends_on
    plan = db.session.scalar(select(Plan).where(Plan.programme_id == term.id))
    assert plan.state == "published" and plan.engine_status == "optimal"
    demo = db.session.scalar(select(Volunteer).where(Volunteer.email == "volunteer@example.org"))
    mine = list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.plan_id == plan.id, Assignment.volunteer_id == demo.id
            )
        )
    )
    assert mine and all(a.status == "confirmed" and a.confirmed_at for a in mine)


def test_drafts_ready_to_solve_next_term_and_next_summer(app):
    programmes = _demo()
    drafts = [p for p in programmes.values() if p.state == "draft"]
    # Next term, next summer, the large city-wide summer (tests/test_demo.py) and the summer
    # home-visit campaign.
    assert sorted(p.kind for p in drafts) == ["home_visits", "summer", "summer", "tutoring"]
    tutoring = next(p for p in drafts if p.kind == "tutoring")
    homes = db.session.scalars(select(Home)).all()
    assert len(tutoring.homes) == len(homes) == 6
    with_needs = {
        e.home_id for e in db.session.scalars(select(Event).join(Need, Need.event_id == Event.id))
    }
    assert with_needs == {h.id for h in homes}  # tutoring with volunteer needs at all six
    built = adapter.build(tutoring)
    assert {built.targets[t].home_id for t in built.targets} == {h.id for h in homes}
    summer = next(p for p in drafts if p.kind == "summer" and "三下乡" in p.name)
    assert summer.starts_on >= next_summer(clock.today())[0]
    assert len(summer.teams) == 8 and len(summer.posts) == 10
    assert (summer.ends_on - summer.starts_on).days == 27


def test_the_summer_shows_an_unreachable_post_and_a_clearance_ending_mid_summer(app):
    programmes = _demo()
    summer = next(p for p in programmes.values() if "三下乡" in p.name)
    built = adapter.build(summer)
    mid = [
        v
        for v in summer.volunteers
        if v.expires_on and summer.starts_on < v.expires_on < summer.ends_on
    ]
    assert len(mid) == 1
    result = results.solve_built(built, {"time_limit": 20, "deterministic_time": 10})
    assert result.status == "optimal"
    remote = next(p for p in summer.posts if p.name == "远山村教学点")
    reasons = {
        e.params["blocking"] for e in result.explanations if e.target_id == ids.post_id(remote.id)
    }
    assert reasons == {"travel"}
    late = {ids.post_id(p.id) for p in summer.posts if p.ends_on > mid[0].expires_on}
    assert (
        not {
            a.target_id for a in result.assignments if a.volunteer_id == ids.volunteer_id(mid[0].id)
        }
        & late
    )


def test_the_video_call_rota_is_published_and_the_home_visits_are_ready_to_solve(app):
    from webapp.blueprints.planning import children_plans

    programmes = _demo()
    calls = next(p for p in programmes.values() if p.kind == "video_calls")
    visits = next(p for p in programmes.values() if p.kind == "home_visits")
    assert calls.state == "published" and visits.state == "draft"
    assert children_plans.cannot_plan_visits(visits) is None
    inputs = children_plans.visit_inputs(visits)
    assert inputs.households >= 20 and inputs.visitors >= 8
