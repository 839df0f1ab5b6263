"""What is wrong with a proposal, against the data as it is now: after every hand edit, and
before publishing.

Every rule is the engine's (scheduling/rules.py, through the adapter's checker and funnel):
nothing here restates one. After a move, an addition, a removal or a "not here", ``refresh``
stores again on the plan why each target is short (the funnel) and which rules it breaks, so
that every card says it in words. ``preview`` is what publishing would do: who is told, what
breaks a hard rule (publishing is refused then) and what stays below its minimum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import adapter, explaining, plans
from webapp.blueprints.planning.errors import nothing_to_plan_message
from webapp.core import sms
from webapp.extensions import db
from webapp.models import Assignment, Plan, Volunteer
from webapp.pinyin import sort_key as pinyin_key

# Stored on the plan with the engine's explanations: the rules a target breaks now.
BROKEN = "violation"


def _rows(plan: Plan) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.plan_id == plan.id)
            .options(selectinload(Assignment.need))
            .order_by(Assignment.id)
        )
    )


def _build(plan: Plan) -> adapter.Built | str:
    """The engine's problem, or why there is none (in words)."""
    try:
        return adapter.build(plan.programme, base=plan.base_plan, with_pins=False)
    except adapter.NothingToPlan as nothing:
        return nothing_to_plan_message(nothing.reason)


def refresh(plan: Plan) -> None:
    """Check every target of the plan again after a hand edit: why each one is short and the
    hard rules each one breaks (those before publishing included) replace what the plan said."""
    built = _build(plan)
    if isinstance(built, str):
        return
    rows = _rows(plan)
    kept = [e for e in plan.explanations if e.get("kind") not in ("unfilled", BROKEN)]
    broken = [
        {"kind": BROKEN, "key": v.key, "params": v.params, "target": v.target or None}
        for v in adapter.violations(built, rows, publishing=True)
    ]
    plan.explanations = kept + broken + adapter.explanations(built, rows)
    db.session.flush()


@dataclass
class Short:
    """A target below its minimum (or without a required skill or leader), and why."""

    label: str
    have: int
    minimum: int
    why: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What publishing would do now."""

    told: int = 0  # people who get a message (e-mail, or SMS without an account)
    not_told: list[str] = field(default_factory=list)  # nothing reaches them (call them)
    broken: list[tuple[str, list[str]]] = field(default_factory=list)  # (target, rules)
    short: list[Short] = field(default_factory=list)
    diff: plans.PlanDiff | None = None

    @property
    def publishable(self) -> bool:
        return not self.broken


def preview(plan: Plan, current: Plan | None) -> Preview:
    """Who publishing tells (all the first time, else those in the diff against ``current``),
    the targets that break a hard rule and those left below their minimum."""
    out = Preview()
    rows = _rows(plan)
    out.diff = plans.diff_against(current, plan) if current is not None else None
    tell = {r.volunteer_id for r in rows} if out.diff is None else out.diff.affected
    if tell:
        by_sms = sms.available("plan_assigned")
        for name, user_id, phone in db.session.execute(
            select(Volunteer.name, Volunteer.user_id, Volunteer.phone).where(Volunteer.id.in_(tell))
        ):
            # No account: told by SMS when they have a mobile number and SMS is set up.
            if user_id is None and not (by_sms and sms.usable_phone(phone)):
                out.not_told.append(name)
            else:
                out.told += 1
    out.not_told.sort()
    built = _build(plan)
    if isinstance(built, str):
        out.broken.append(("", [built]))
        return out
    targets = plans.load_targets(plan, with_people=False)
    names = plans.Names(targets, str(get_locale()))
    found = adapter.violations(built, rows, publishing=True)
    why = adapter.explanations(built, rows)
    names.load_ids(
        {str(x) for v in found for x in v.params.values()}
        | {str(x) for e in why for x in e["params"].values() if isinstance(x, str)}
    )
    by_target: dict[str, list[str]] = defaultdict(list)
    for v in found:
        by_target[v.target].append(explaining.violation(v.key, v.params, names))
    out.broken = [(names.of(t) if t else "", lines) for t, lines in by_target.items()]
    have: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.status != "withdrawn":
            have[plans.target_of(r)] += 1
    reasons: dict[str, list[str]] = defaultdict(list)
    for e in why:
        p = e["params"]
        if e["key"] == "unfilled_post" or p.get("have", 0) < p.get("min", 0):
            reasons[e["target"]].append(explaining.explanation(e, names))
    for t in targets.values():
        if have[t.id] < t.minimum or reasons.get(t.id):
            out.short.append(Short(t.label, have[t.id], t.minimum, reasons.get(t.id, [])))
    return out


@dataclass
class Offers:
    """Who could be added to a target: those who can take it, the others with the reason."""

    can: list[tuple[str, str]] = field(default_factory=list)  # (unit id, name)
    cannot: list[tuple[str, str, str]] = field(default_factory=list)  # (unit id, name, why)


def offers(plan: Plan, target: str) -> Offers:
    """The funnel's rules for one target, person by person (teams whole, at a post), given the
    rest of the plan: the people who can take the place first."""
    out = Offers()
    built = _build(plan)
    if isinstance(built, str):
        return out
    found = adapter.candidates(built, _rows(plan), target)
    names = plans.Names({}, str(get_locale()))
    names.load_ids({unit for unit, _reason in found})
    for unit, reason in sorted(found, key=lambda x: (bool(x[1]), pinyin_key(names.of(x[0])))):
        if reason:
            out.cannot.append((unit, names.of(unit), explaining.kept_out(reason)))
        else:
            out.can.append((unit, names.of(unit)))
    return out
