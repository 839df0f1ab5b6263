"""Changing a proposal by hand: pin, forbid, remove, move, add. And the coordinator's record of a
withdrawal from the published plan (the one hand change a published plan takes).

A move or an addition is checked with the engine's checker on the changed plan, against the
data as it is now: a rule it would break is refused with its reason (422) and nothing is saved.
Only new violations count (a plan that data changes have already made invalid can still be
edited elsewhere; publishing catches those). A team is placed whole, so pinning, moving,
forbidding or removing one member acts on the whole team at that target. After every change,
each target is checked again (checking.refresh), so that its card says what is wrong now.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit
from webapp.blueprints.planning import adapter, checking, explaining, ids, plans, runs
from webapp.blueprints.planning.errors import PlanningError, nothing_to_plan_message
from webapp.extensions import db
from webapp.models import Assignment, ForbiddenPair, Plan, Programme, User
from webapp.models.base import utcnow


def editable(plan: Plan) -> None:
    """Only a proposal changes by hand; a published plan changes through a re-plan."""
    if plan.is_published:
        raise PlanningError(
            _(
                "This plan is published, so it is not changed by hand. Start a re-plan: "
                "it changes as little as possible and shows the differences before you publish."
            ),
            409,
        )
    if not plan.is_proposed:
        raise PlanningError(_("This plan is no longer current; open the latest one."), 409)
    running = runs.active_run(plan.programme_id)
    if running is not None:
        raise runs.already_running(running)


def unit_rows(row: Assignment) -> list[Assignment]:
    """The row, or every row of its team at the same target (a team moves whole)."""
    if row.team_id is None or row.post_id is None:
        return [row]
    return list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.plan_id == row.plan_id,
                Assignment.team_id == row.team_id,
                Assignment.post_id == row.post_id,
            )
        )
    )


def toggle_pin(row: Assignment, user: User) -> bool:
    editable(row.plan)
    pinned = not row.pinned
    for r in unit_rows(row):
        r.pinned = pinned
    db.session.flush()
    audit.record(
        "plan.pinned" if pinned else "plan.unpinned",
        "plan",
        row.plan_id,
        after={"volunteer": row.volunteer_id, "target": plans.target_of(row)},
        actor_id=user.id,
    )
    return pinned


def remove(row: Assignment, user: User) -> None:
    editable(row.plan)
    target = plans.target_of(row)
    people = [r.volunteer_id for r in unit_rows(row)]
    for r in unit_rows(row):
        db.session.delete(r)
    db.session.flush()
    checking.refresh(row.plan)
    audit.record(
        "plan.removed",
        "plan",
        row.plan_id,
        before={"volunteers": people, "target": target},
        actor_id=user.id,
    )


def forbid(row: Assignment, user: User) -> ForbiddenPair:
    """Keep this volunteer (or the team) away from this target in every re-solve; removes it."""
    editable(row.plan)
    team = row.team_id if row.post_id is not None else None
    pair = ForbiddenPair(
        programme_id=row.plan.programme_id,
        volunteer_id=None if team else row.volunteer_id,
        team_id=team,
        post_id=row.post_id,
        need_id=row.need_id,
        weekday=row.weekday,
        created_by_id=user.id,
    )
    db.session.add(pair)
    target = plans.target_of(row)
    for r in unit_rows(row):
        db.session.delete(r)
    db.session.flush()
    checking.refresh(row.plan)
    audit.record(
        "plan.forbidden",
        "plan",
        row.plan_id,
        after={"volunteer": row.volunteer_id, "team": team, "target": target},
        actor_id=user.id,
    )
    return pair


def _build(plan: Plan) -> adapter.Built:
    try:
        return adapter.build(plan.programme, base=plan.base_plan, with_pins=False)
    except adapter.NothingToPlan as nothing:
        raise PlanningError(nothing_to_plan_message(nothing.reason), 409) from None


def _refuse(plan: Plan, new: list[adapter.Violation]) -> None:
    """A hand change that breaks a rule the plan kept: 422 with each rule in words."""
    if not new:
        return
    targets = plans.load_targets(plan, with_people=False)
    names = plans.Names(targets, str(get_locale()))
    names.load_ids({str(x) for v in new for x in v.params.values()})
    raise PlanningError(
        _("This change breaks a rule, so nothing was saved."),
        422,
        details=[explaining.violation(v.key, v.params, names) for v in new],
    )


def _target_ref(plan: Plan, target: str) -> ids.Ref:
    if target not in {t["id"] for t in plan.targets}:
        raise PlanningError(_("Choose a session or post of this plan."), field="target")
    return ids.parse(target)


def _rows_for(plan: Plan) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)))


def move(row: Assignment, target: str, user: User) -> list[Assignment]:
    """Move a person (or their team) to another target of the plan; pinned there, by hand."""
    plan = row.plan
    editable(plan)
    ref = _target_ref(plan, target)
    if plans.target_of(row) == target:
        raise PlanningError(_("Already there."), field="target")
    moving = unit_rows(row)
    built = _build(plan)
    team = row.team_id if ref.kind == "post" else None
    arriving = [(r.volunteer_id, target, team) for r in moving]
    _refuse(plan, adapter.new_violations(built, _rows_for(plan), moving, arriving))
    before = plans.target_of(row)
    for r in moving:
        r.post_id = ref.id if ref.kind == "post" else None
        r.need_id = ref.id if ref.kind == "slot" else None
        r.weekday = ref.weekday
        r.team_id = team
        r.source, r.pinned = "manual", True
        r.travel_minutes = adapter.travel(built, r.volunteer_id, target)
    db.session.flush()
    checking.refresh(plan)
    audit.record(
        "plan.moved",
        "plan",
        plan.id,
        before={"target": before},
        after={"volunteers": [r.volunteer_id for r in moving], "target": target},
        actor_id=user.id,
    )
    return moving


def add(plan: Plan, target: str, unit: str, user: User) -> list[Assignment]:
    """Put a participant (``v12``) or a team (``t3``, at a post) on a target; pinned there."""
    editable(plan)
    ref = _target_ref(plan, target)
    built = _build(plan)
    try:
        who = ids.parse(unit)
    except ValueError:
        raise PlanningError(_("Choose a volunteer or a team."), field="unit") from None
    if who.kind == "team" and ref.kind == "post":
        people, team = built.team_members(who.id) or [], who.id
    elif who.kind == "volunteer":
        people, team = [who.id], None
        if built.in_a_team(who.id) and ref.kind == "post":
            raise PlanningError(
                _("%(name)s comes with a team: add the team.", name=_name_of(plan, unit)),
                field="unit",
            )
    else:
        people, team = [], None
    if not people or not set(people) <= set(built.volunteer_ids):
        raise PlanningError(_("Choose someone who takes part in this programme."), field="unit")
    current = _rows_for(plan)
    if {(r.volunteer_id, plans.target_of(r)) for r in current} & {(p, target) for p in people}:
        raise PlanningError(_("Already there."), field="unit")
    arriving = [(p, target, team) for p in people]
    _refuse(plan, adapter.new_violations(built, current, arriving=arriving))
    rows = [
        Assignment(
            plan=plan,
            programme_id=plan.programme_id,
            volunteer_id=p,
            team_id=team,
            post_id=ref.id if ref.kind == "post" else None,
            need_id=ref.id if ref.kind == "slot" else None,
            weekday=ref.weekday,
            status="proposed",
            pinned=True,
            source="manual",
            travel_minutes=adapter.travel(built, p, target),
        )
        for p in people
    ]
    db.session.add_all(rows)
    db.session.flush()
    checking.refresh(plan)
    audit.record(
        "plan.added",
        "plan",
        plan.id,
        after={"volunteers": people, "target": target},
        actor_id=user.id,
    )
    return rows


def _name_of(plan: Plan, unit: str) -> str:
    names = plans.Names({}, str(get_locale()))
    names.load_ids({unit})
    return names.of(unit)


# --------------------------------------------------------------------------- withdrawals


def withdraw(row: Assignment, user: User | None, note: str = "") -> Assignment:
    """Record that a volunteer withdrew from a confirmed assignment of the published plan.

    The one rule for both sides (the coordinator's button here, the volunteer's own withdrawal
    in self-service): only a confirmed assignment of the published plan (or a confirmed
    sign-up), once; the row stays, with status ``withdrawn`` and ``withdrawn_at``, so that the
    re-plan keeps that volunteer off that target and calendars show it as cancelled.
    """
    if not row.is_confirmed or (row.plan is not None and not row.plan.is_published):
        raise PlanningError(
            _("Only a confirmed assignment of the published plan can be withdrawn."), 409
        )
    row.status = "withdrawn"
    row.withdrawn_at = utcnow()
    row.sequence += 1
    if note:
        row.note = note[:200]
    db.session.flush()
    audit.record(
        "assignment.withdrawn",
        "assignment",
        row.id,
        before={"status": "confirmed"},
        after={"status": "withdrawn", "volunteer": row.volunteer_id, "note": row.note},
        actor_id=user.id if user is not None else None,
    )
    return row


def candidates(plan: Plan, programme: Programme) -> list[tuple[str, str]]:
    """(unit id, name) of who could be added by hand: teams first (summer), then volunteers."""
    out: list[tuple[str, str]] = []
    members: set[int] = set()
    if programme.kind == "summer":
        for team in programme.teams:
            out.append((ids.team_id(team.id), team.name))
            members |= {m.volunteer_id for m in team.memberships}
    out += [
        (ids.volunteer_id(v.id), v.name)
        for v in sorted(programme.volunteers, key=lambda v: (v.name, v.id))
        if v.id not in members
    ]
    return out
