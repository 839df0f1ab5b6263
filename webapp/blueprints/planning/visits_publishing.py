"""Publishing a home-visit plan (暑期家访), and telling the visitors their days.

Before publishing, `route_problems` checks what the database alone can tell (nobody in two pairs
on one day, at most the programme's visits per pair and day, each day's travel within its
limit, a cleared adult in every pair); the caller adds the engine checker's findings, and any
problem is a 409 that says what, with nothing published.

Publishing supersedes the plan published before and tells each visitor their days: the
households in visiting order, each with its village, and the other person of the pair with a
phone. Visitors are told as the volunteer plans tell people (publishing.py, plan_sms.py): SMS to
those who chose it and to those without an account who have a mobile number, e-mail to the
others; who cannot be reached is on the call list. A re-publish tells only the visitors whose
days changed, and raises the SEQUENCE of the changed days so calendars update them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import audit
from webapp.blueprints.planning import plan_sms, programmes
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.publishing import Told, may_publish
from webapp.blueprints.planning.visit_checks import route_problems
from webapp.blueprints.planning.visit_routes import PairDay, days_by_visitor, pair_days
from webapp.blueprints.planning.visits_unvisited import Unvisited, unvisited
from webapp.core import occasions
from webapp.core import sms as sms_channel
from webapp.core.outbox import SMS, address_of, notify_message, notify_phone
from webapp.core.sms import MAX_VALUE, Sms, SmsRefused
from webapp.extensions import db
from webapp.models import Plan, User, Volunteer
from webapp.models.base import utcnow
from webapp.models.home_visits import VisitPlacement

SMS_KIND = "visit_assigned"

# A visitor's days as compared between two plans: day -> (partner, households in order).
Days = dict[date, tuple[int, tuple[int, ...]]]


def _days_of(pds: list[PairDay], volunteer_id: int) -> Days:
    return {
        pd.day: (pd.partner_of(volunteer_id).id, tuple(s.household_id for s in pd.stops))
        for pd in pds
    }


# --- checks -----------------------------------------------------------------------------------


# --- who is told, and how ---------------------------------------------------------------------


def _reach(volunteer: Volunteer) -> str | None:
    """SMS, e-mail, or None (the call list), as the volunteer plans choose."""
    user = volunteer.user
    if user is not None:
        address = address_of(user, SMS_KIND)
        return None if address is None else address.channel
    if sms_channel.usable_phone(volunteer.phone) and sms_channel.available(SMS_KIND):
        return SMS
    return None


@dataclass
class VisitsPreview:
    told: list[tuple[str, str]] = field(default_factory=list)  # (name, "email" | "sms")
    not_told: list[tuple[str, str]] = field(default_factory=list)  # (name, phone)
    unvisited: list[Unvisited] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    republish: bool = False
    households: int = 0
    pair_days: int = 0

    @property
    def publishable(self) -> bool:
        return not self.problems


def _changed(plan: Plan, current: Plan | None) -> tuple[dict, dict, set[int]]:
    """(new days by visitor, old days by visitor, the visitors whose days differ)."""
    new = days_by_visitor(plan)
    old = days_by_visitor(current) if current is not None else {}
    if current is None:
        return new, old, set(new)
    who = {
        vid
        for vid in set(new) | set(old)
        if _days_of(new.get(vid, []), vid) != _days_of(old.get(vid, []), vid)
    }
    return new, old, who


def preview(plan: Plan, problems: list[str] | None = None) -> VisitsPreview:
    """Who will be told (and how), who must be called, the households left out and what
    breaks a rule (`problems`: the caller's, else route_problems)."""
    current = programmes.published_plan(plan.programme_id)
    new, _old, who = _changed(plan, current)
    out = VisitsPreview(republish=current is not None)
    people = _volunteers(who)
    for vid in sorted(who, key=lambda v: (people[v].name, v)):
        volunteer = people[vid]
        channel = _reach(volunteer)
        if channel is None:
            out.not_told.append((volunteer.name, volunteer.phone or ""))
        else:
            out.told.append((volunteer.name, channel))
    out.unvisited = unvisited(plan)
    out.problems = route_problems(plan) if problems is None else problems
    pds = pair_days(plan)
    out.pair_days = len(pds)
    out.households = sum(len(pd.stops) for pd in pds)
    return out


def call_list(plan: Plan) -> list[tuple[Volunteer, list[date]]]:
    """The plan's visitors no e-mail or SMS reaches, with their days: the coordinator rings them."""
    out = []
    for vid, pds in days_by_visitor(plan).items():
        volunteer = next(v for v in pds[0].visitors if v.id == vid)
        if _reach(volunteer) is None:
            out.append((volunteer, [pd.day for pd in pds]))
    return sorted(out, key=lambda x: (x[0].name, x[0].id))


def _volunteers(ids: set[int]) -> dict[int, Volunteer]:
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids)))}


# --- publishing -------------------------------------------------------------------------------


def publish(plan: Plan, user: User, problems: list[str]) -> tuple[Plan, Told]:
    """Publish a proposed home-visit plan; `problems`: route_problems(plan) and the engine
    checker's findings (any: 409, nothing published)."""
    current = may_publish(plan)
    if problems:
        raise PlanningError(
            _("This plan breaks a rule now, so it was not published:"), 409, details=problems
        )
    new, old, who = _changed(plan, current)
    _raise_sequences(plan, current, who)
    now = utcnow()
    if current is not None:
        current.state = "superseded"
    plan.state, plan.published_at, plan.published_by_id = "published", now, user.id
    programme = plan.programme
    programme.state, programme.published_at = "published", now
    db.session.flush()
    told = _tell(plan, user, new, old, who)
    audit.record(
        "plan.published",
        "plan",
        plan.id,
        before={"published": current.id if current else None},
        after={
            "visits": sum(len(pd.stops) for pds in new.values() for pd in pds) // 2,
            "told": len(told.told),
            "not_told": len(told.not_told),
            "changed": None if current is None else len(who),
        },
        actor_id=user.id,
    )
    return plan, told


def _raise_sequences(plan: Plan, current: Plan | None, who: set[int]) -> None:
    """A changed day of a visitor keeps its calendar UID (volunteer, programme, day): its rows
    get a SEQUENCE above the old plan's, so that calendars replace the day."""
    if current is None or not who:
        return
    old: dict[tuple[int, date], int] = {}
    for row in db.session.scalars(
        select(VisitPlacement).where(VisitPlacement.plan_id == current.id)
    ):
        for vid in row.visitor_ids:
            key = (vid, row.day)
            old[key] = max(old.get(key, -1), row.sequence)
    for row in db.session.scalars(select(VisitPlacement).where(VisitPlacement.plan_id == plan.id)):
        before = [old[(v, row.day)] for v in row.visitor_ids if v in who and (v, row.day) in old]
        if before:
            row.sequence = max(row.sequence, max(before) + 1)


def _day_sms(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _fit(parts: list[str]) -> str:
    """Villages as one SMS value: as many as fit, then 等 ("and others")."""
    text = "、".join(parts)
    while len(text) > MAX_VALUE and len(parts) > 1:
        parts = parts[:-1]
        text = "、".join(parts) + "等"
    return text


def _messages(
    volunteer: Volunteer, days: list[PairDay], gone: list[date], name: str, contact: str
) -> list[Sms]:
    out = []
    for pd in days:
        partner = pd.partner_of(volunteer.id)
        out.append(
            Sms(
                SMS_KIND,
                {
                    "name": volunteer.name,
                    "time": _day_sms(pd.day),
                    "activity": name,
                    "place": _fit(pd.villages),
                    "partner": f"{partner.name} {partner.phone or ''}".strip(),
                    "contact": contact,
                },
            )
        )
    for d in gone:
        out.append(
            Sms(
                "plan_removed",
                {
                    "name": volunteer.name,
                    "activity": name,
                    "detail": f"{_day_sms(d)}家访",
                    "contact": contact,
                },
            )
        )
    return out


def _send_sms(volunteer: Volunteer, messages: list[Sms], plan: Plan) -> bool:
    """All the volunteer's SMS written, or none (then False)."""
    phone = sms_channel.usable_phone(volunteer.phone) or ""
    try:
        checked = [m.check() for m in messages]
    except SmsRefused:
        return False
    if not checked:
        return False
    try:
        for m in checked:
            notify_phone(phone, m, "plan", plan.id).to_user = volunteer.user
    except SmsRefused:
        return False
    return True


def _tell(plan: Plan, user: User, new: dict, old: dict, who: set[int]) -> Told:
    programme = plan.programme
    coordinators = occasions.contacts([user, programme.created_by])
    contact = plan_sms.contact_of(user)
    routes_url = _routes_url(plan)
    people = _volunteers(who)
    out = Told()
    for vid in sorted(who, key=lambda v: (people[v].name, v)):
        volunteer = people[vid]
        days = new.get(vid, [])
        kept = {pd.day for pd in days}
        gone = sorted({pd.day for pd in old.get(vid, [])} - kept)
        channel = _reach(volunteer)
        if channel == SMS and _send_sms(
            volunteer, _messages(volunteer, days, gone, programme.name, contact), plan
        ):
            out.told.append(volunteer.name)
            continue
        if volunteer.user is None or not volunteer.user.email:
            out.not_told.append(volunteer.name)
            continue
        notify_message(
            volunteer.user,
            "visits_published",
            "plan",
            plan.id,
            volunteer=volunteer,
            programme=programme,
            days=[_day_context(pd, vid) for pd in days],
            removed=gone,
            coordinators=coordinators,
            routes_url=routes_url,
        )
        out.told.append(volunteer.name)
    return out


def _routes_url(plan: Plan) -> str:
    """The route sheets' address; none outside a request without SERVER_NAME (a command)."""
    try:
        return url_for("planning.routes", plan_id=plan.id, _external=True)
    except RuntimeError:
        return ""


def _day_context(pd: PairDay, volunteer_id: int) -> dict:
    partner = pd.partner_of(volunteer_id)
    return {
        "day": pd.day,
        "partner": partner.name,
        "partner_phone": partner.phone or "",
        "route_minutes": pd.route_minutes,
        "stops": [(s.position, s.household.village, s.household.label) for s in pd.stops],
    }
