"""Publishing a proposal, and messages to the people of a plan.

Before publishing, the proposal is checked again against the data as it is now (a clearance
revoked since the solve, a volunteer who left, a post cancelled, a post left without the leader
it asks for after a hand edit): anything it breaks is a 409 that says what, and nothing is
published. Publishing confirms every assignment,
supersedes the plan published before, and tells the people concerned through the outbox: all of
them the first time, afterwards only those in the diff (added, removed, moved).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.planning import (
    adapter,
    editing,
    explaining,
    ids,
    plan_sms,
    plans,
    programmes,
    runs,
)
from webapp.blueprints.planning.errors import PlanningError, nothing_to_plan_message
from webapp.core import occasions
from webapp.core.outbox import notify_message
from webapp.extensions import db
from webapp.models import Assignment, Need, Plan, Post, User, Volunteer
from webapp.models.base import utcnow


@dataclass
class Told:
    """Who got a message in the outbox, and who could not be told (no account, no address)."""

    told: list[str] = field(default_factory=list)
    not_told: list[str] = field(default_factory=list)


def check_current(plan: Plan) -> list[str]:
    """What breaks the plan now, in words (empty: still valid)."""
    try:
        built = adapter.build(plan.programme, base=plan.base_plan, with_pins=False)
    except adapter.NothingToPlan as nothing:
        return [nothing_to_plan_message(nothing.reason)]
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.plan_id == plan.id)
            .options(selectinload(Assignment.need))
        )
    )
    found = adapter.violations(built, rows, publishing=True)
    if not found:
        return []
    targets = plans.load_targets(plan, with_people=False)
    names = plans.Names(targets, str(get_locale()))
    names.load_ids({str(x) for v in found for x in v.params.values()})
    return [explaining.violation(v.key, v.params, names) for v in found]


def may_publish(plan: Plan) -> Plan | None:
    """Refuse (409) a plan that is not a proposal, while a solve of its programme runs, or a
    re-plan whose base is no longer the published plan; else the published plan it replaces
    (every kind of programme publishes through this)."""
    if not plan.is_proposed:
        raise PlanningError(
            _(
                "Only a proposed plan can be published; this one is %(state)s.",
                state=plans.plan_state_label(plan.state),
            ),
            409,
        )
    running = runs.active_run(plan.programme_id)
    if running is not None:
        raise runs.already_running(running)
    current = programmes.published_plan(plan.programme_id)
    if plan.base_plan_id is not None and (current is None or current.id != plan.base_plan_id):
        raise PlanningError(
            _("Another plan was published after this re-plan began. Re-plan again."), 409
        )
    return current


def publish(plan: Plan, user: User) -> tuple[Plan, Told, plans.PlanDiff | None]:
    current = may_publish(plan)
    problems = check_current(plan)
    if problems:
        raise PlanningError(
            _("This plan breaks a rule now, so it was not published:"), 409, details=problems
        )
    diff = plans.diff_against(current, plan) if current is not None else None
    now = utcnow()
    if current is not None:
        current.state = "superseded"
    plan.state, plan.published_at, plan.published_by_id = "published", now, user.id
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.plan_id == plan.id)
            .options(selectinload(Assignment.volunteer).selectinload(Volunteer.user))
        )
    )
    for row in rows:
        row.status, row.confirmed_at, row.confirmed_by_id = "confirmed", now, user.id
    programme = plan.programme
    programme.state, programme.published_at = "published", now
    db.session.flush()
    tell = {r.volunteer_id for r in rows} if diff is None else diff.affected
    told = _tell(plan, rows, tell, diff, current)
    audit.record(
        "plan.published",
        "plan",
        plan.id,
        before={"published": current.id if current else None},
        after={
            "assignments": len(rows),
            "told": len(told.told),
            "not_told": len(told.not_told),
            "changed": None if diff is None else len(diff.affected),
        },
        actor_id=user.id,
    )
    return plan, told, diff


def _occasions(target_ids: set[str], *plans_: Plan) -> dict[str, occasions.Occasion]:
    """What, where and when of each target, with the dates the plans planned it for."""
    specs: dict[str, dict] = {}
    for p in plans_:
        specs.update({t["id"]: t for t in p.targets if t["id"] in target_ids})
    refs = {tid: ids.parse(tid) for tid in target_ids}
    needs = {r.id for r in refs.values() if r.kind == "slot"}
    posts = {r.id for r in refs.values() if r.kind == "post"}
    by_need = (
        {n.id: n for n in db.session.scalars(select(Need).where(Need.id.in_(needs)))}
        if needs
        else {}
    )
    by_post = (
        {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(posts)))}
        if posts
        else {}
    )
    out = {}
    for tid, ref in refs.items():
        spec = specs.get(tid, {})
        if ref.kind == "post" and ref.id in by_post:
            out[tid] = occasions.of_post(by_post[ref.id])
        elif ref.kind == "slot" and ref.id in by_need:
            first, last = spec.get("first"), spec.get("last")
            out[tid] = occasions.of_slot(
                by_need[ref.id],
                ref.weekday or 0,
                date.fromisoformat(first) if first else None,
                date.fromisoformat(last) if last else None,
                spec.get("dates", 0),
            )
    return out


def _tell(plan: Plan, rows: list[Assignment], who: set[int], diff, current: Plan | None) -> Told:
    """A message to each person told: what, where and when of every assignment they have in the
    plan, and of those they no longer have (re-planned), with whom to contact."""
    mine: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.volunteer_id in who and not row.is_withdrawn:
            mine[row.volunteer_id].append(plans.target_of(row))
    gone: dict[int, list[str]] = defaultdict(list)
    if current is not None and who:
        before = db.session.scalars(
            select(Assignment).where(
                Assignment.plan_id == current.id,
                Assignment.status == "confirmed",
                Assignment.volunteer_id.in_(who),
            )
        )
        for row in before:
            target = plans.target_of(row)
            if target not in mine[row.volunteer_id]:
                gone[row.volunteer_id].append(target)
    wanted = {t for ts in (*mine.values(), *gone.values()) for t in ts}
    described = _occasions(wanted, *(p for p in (current, plan) if p is not None))
    programme = plan.programme
    coordinators = occasions.contacts([plan.published_by, programme.created_by])
    people = (
        {
            v.id: v
            for v in db.session.scalars(
                select(Volunteer).where(Volunteer.id.in_(who)).options(selectinload(Volunteer.user))
            )
        }
        if who
        else {}
    )
    out = Told()
    sms_targets = plan_sms.zh_targets(plan)
    contact = plan_sms.contact_of(db.session.get(User, plan.published_by_id))
    for vid in sorted(who, key=lambda v: (people[v].name if v in people else "", v)):
        volunteer = people.get(vid)
        if volunteer is None:
            continue
        user = volunteer.user
        by_sms = plan_sms.messages_for(
            volunteer,
            mine.get(vid, []),
            [c.target for c in diff.removed if c.volunteer_id == vid] if diff else [],
            programme.name,
            sms_targets,
            contact,
        )
        # SMS to people without an account, and to those who chose it; else e-mail, and
        # those left are on the plan's call list (plan_sms.call_list).
        if plan_sms.send(volunteer, by_sms, plan) is None and by_sms:
            out.told.append(volunteer.name)
            continue
        if user is None:
            out.not_told.append(volunteer.name)
            continue
        notify_message(
            user,
            "plan_published",
            "plan",
            plan.id,
            volunteer=volunteer,
            programme=programme,
            removed=[described[t] for t in sorted(set(gone[vid])) if t in described],
            assignments=[described[t] for t in sorted(set(mine[vid])) if t in described],
            coordinators=coordinators,
        )
        out.told.append(volunteer.name)
    return out


def message_target(plan: Plan, target: str, subject: str, body: str, user: User) -> Told:
    """A coordinator's message to everyone on a post or slot of the published plan."""
    if not plan.is_published:
        raise PlanningError(_("Messages go to the people of the published plan."), 409)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise PlanningError(_("Write a subject."), field="subject")
    if not body:
        raise PlanningError(_("Write a message."), field="body")
    targets = plans.load_targets(plan)
    if target not in targets:
        raise PlanningError(_("Choose a session or post of this plan."), field="target")
    out = Told()
    occasion = _occasions({target}, plan).get(target)
    sender = occasions.contacts([user])
    for row in targets[target].people:
        if not row.is_confirmed:
            continue
        volunteer = row.volunteer
        if volunteer.user is None:
            out.not_told.append(volunteer.name)
            continue
        notify_message(
            volunteer.user,
            "coordinator_message",
            "plan",
            plan.id,
            subject=subject,
            text=body,
            occasion=occasion,
            sender=sender,
        )
        out.told.append(volunteer.name)
    audit.record(
        "plan.messaged",
        "plan",
        plan.id,
        after={"target": target, "subject": subject[:100], "told": len(out.told)},
        actor_id=user.id,
    )
    return out


def discard(plan: Plan, user: User) -> Plan:
    editing.editable(plan)
    plan.state = "discarded"
    programme = plan.programme
    if programme.state == "proposed":
        programme.state = "published" if programmes.published_plan(programme.id) else "draft"
    db.session.flush()
    audit.record("plan.discarded", "plan", plan.id, actor_id=user.id)
    return plan
