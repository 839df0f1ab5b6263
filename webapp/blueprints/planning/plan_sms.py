"""A published plan by SMS, and the call list of those no message can reach.

The SMS values are kept apart from the e-mail's body (templates/emails/plan_published.txt): the
provider sends only approved templates (webapp/core/sms.py), so each assignment becomes one SMS
of kind plan_assigned (who, activity, place, dates and time, whom to contact) and each removal
one of kind plan_removed. Values are in Chinese, the language the templates are registered in.

People with an account get e-mail, or SMS when they chose it. People without one get SMS when
they have a mobile number and SMS is set up; the rest, and those whose SMS was refused or not
delivered, are on the plan's call list (a printable page and a CSV) with their phones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import plans
from webapp.core import sms as sms_channel
from webapp.core.outbox import SMS, address_of, notify_phone
from webapp.core.sms import Sms, SmsRefused
from webapp.core.spreadsheets import escape_cell, to_csv
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, Plan, User, Volunteer

CSV_HEADER = ("姓名", "手机", "安排", "变动", "未能通知的原因")


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日"


def when_text(target: plans.Target) -> str:
    """Dates (first to last, once for one day) and the weekday and time, as an SMS value."""
    if target.first and target.last and target.first != target.last:
        dates = f"{_day(target.first)}至{_day(target.last)}"
    elif target.first:
        dates = _day(target.first)
    else:
        dates = ""
    if target.kind == "post":  # a post's `when` is its dates again
        return dates or target.when
    return " ".join(x for x in (dates, target.when) if x)


def contact_of(user: User | None) -> str:
    """Whom to contact: the publishing coordinator, with their phone when their profile has one."""
    if user is None:
        return ""
    phone = db.session.scalar(select(Volunteer.phone).where(Volunteer.user_id == user.id))
    return f"{user.name} {phone}" if phone else user.name


def zh_targets(plan: Plan) -> dict[str, plans.Target]:
    """The plan's targets described in Chinese (weekday names), whoever publishes."""
    with force_locale("zh_CN"):
        return plans.load_targets(plan, with_people=False)


def messages_for(
    volunteer: Volunteer,
    target_ids: list[str],
    removed: list[str],
    programme_name: str,
    targets: dict[str, plans.Target],
    contact: str,
) -> list[Sms]:
    out = [
        Sms(
            "plan_assigned",
            {
                "name": volunteer.name,
                "activity": targets[t].title,
                # A post without a home or address is named after its place (a village school).
                "place": targets[t].place or targets[t].title,
                "time": when_text(targets[t]),
                "contact": contact,
            },
        )
        for t in target_ids
        if t in targets
    ]
    out += [
        Sms(
            "plan_removed",
            {
                "name": volunteer.name,
                "activity": programme_name,
                "detail": label,
                "contact": contact,
            },
        )
        for label in removed
    ]
    return out


def send(volunteer: Volunteer, messages: list[Sms], plan: Plan) -> str | None:
    """Write the volunteer's SMS, all or none; None when written, else the reason (in the
    reader's language) why they must be called."""
    if not messages:
        return None
    user = volunteer.user
    if user is not None:
        address = address_of(user, "plan_assigned")
        if address is None or address.channel != SMS:
            return _("They did not choose SMS.")
        phone = address.value
    else:
        phone = volunteer.phone or ""
    try:
        checked = [m.check() for m in messages]
        for m in checked:
            written = notify_phone(phone, m, "plan", plan.id)
            written.to_user = user
    except SmsRefused as refused:
        return refused.reason
    return None


# --------------------------------------------------------------------------- the call list


@dataclass
class Callee:
    volunteer: Volunteer
    assignments: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    reason: str = ""


def call_list(plan: Plan) -> list[Callee]:
    """The people of a published plan (and those a re-plan removed) that no message of this
    programme reached: no account and no SMS, an SMS refused when written, or not delivered."""
    rows = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.plan_id == plan.id)
            .options(selectinload(Assignment.volunteer).selectinload(Volunteer.user))
        )
    )
    targets = zh_targets(plan) if rows else {}
    labels: dict[int, list[str]] = defaultdict(list)
    people: dict[int, Volunteer] = {}
    for row in rows:
        if row.is_withdrawn:
            continue
        people[row.volunteer_id] = row.volunteer
        target = targets.get(plans.target_of(row))
        if target is not None:
            labels[row.volunteer_id].append(
                f"{target.title} · {target.place} · {when_text(target)}"
            )
    changes: dict[int, list[str]] = defaultdict(list)
    if plan.base_plan is not None:
        diff = plans.diff_against(plan.base_plan, plan)
        for c in diff.removed:
            changes[c.volunteer_id].append(_("No longer: %(target)s", target=c.target))
        for c in diff.moved:
            changes[c.volunteer_id].append(
                _("Changed: %(before)s → %(after)s", before=c.before, after=c.target)
            )
        for c in diff.added:
            changes[c.volunteer_id].append(_("New: %(target)s", target=c.target))
        missing = set(changes) - set(people)
        if missing:
            for v in db.session.scalars(
                select(Volunteer)
                .where(Volunteer.id.in_(missing))
                .options(selectinload(Volunteer.user))
            ):
                people[v.id] = v
    reached, failed = _reached(plan)
    out = []
    for vid, volunteer in people.items():
        if volunteer.user_id is not None and volunteer.user_id in reached["user"]:
            continue
        phone = sms_channel.usable_phone(volunteer.phone)
        if phone and phone in reached["phone"]:
            continue
        if phone in failed:
            reason = failed[phone]
        elif volunteer.user_id is not None:
            continue  # an account: e-mail went out (or will); nobody to call
        elif phone is None:
            reason = _("No account and no mobile number.")
        elif not sms_channel.available("plan_assigned"):
            reason = _("No account, and SMS is not set up.")
        else:
            reason = _refusal(volunteer, targets, plan) or _("No message was written.")
        out.append(Callee(volunteer, labels.get(vid, []), changes.get(vid, []), reason))
    out.sort(key=lambda c: (c.volunteer.name_key or c.volunteer.name, c.volunteer.id))
    return out


def _reached(plan: Plan) -> tuple[dict[str, set], dict[str, str]]:
    """Whom messages about any plan of this programme reached (by user and by phone), and the
    last error of SMS that failed, by phone."""
    plan_ids = select(Plan.id).where(Plan.programme_id == plan.programme_id)
    reached: dict[str, set] = {"user": set(), "phone": set()}
    failed: dict[str, str] = {}
    for user_id, address, channel, status, error in db.session.execute(
        select(
            OutboxMessage.to_user_id,
            OutboxMessage.to_address,
            OutboxMessage.channel,
            OutboxMessage.status,
            OutboxMessage.last_error,
        )
        .where(OutboxMessage.related_type == "plan", OutboxMessage.related_id.in_(plan_ids))
        .order_by(OutboxMessage.id)
    ):
        if status == "failed":
            if channel == SMS:
                failed[address] = error
            continue
        if user_id is not None and channel != SMS:
            reached["user"].add(user_id)
        if channel == SMS:
            reached["phone"].add(address)
    for phone in reached["phone"]:
        failed.pop(phone, None)
    return reached, failed


def _refusal(volunteer: Volunteer, targets: dict[str, plans.Target], plan: Plan) -> str:
    """Why this person's SMS would be refused now (values too long), if it would."""
    ids = [
        plans.target_of(a)
        for a in db.session.scalars(
            select(Assignment).where(
                Assignment.plan_id == plan.id, Assignment.volunteer_id == volunteer.id
            )
        )
    ]
    contact = contact_of(db.session.get(User, plan.published_by_id)) or "—"
    for m in messages_for(volunteer, ids, [], plan.programme.name, targets, contact):
        try:
            m.check()
        except SmsRefused as refused:
            return refused.reason
    return ""


def call_list_csv(callees: list[Callee]) -> bytes:
    rows = [
        [
            escape_cell(x)
            for x in (
                c.volunteer.name,
                c.volunteer.phone or "",
                "；".join(c.assignments),
                "；".join(c.changes),
                c.reason,
            )
        ]
        for c in callees
    ]
    return to_csv(CSV_HEADER, rows)
