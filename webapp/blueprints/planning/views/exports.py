"""Printable rosters (per post or slot, per home) and CSV/XLSX exports of a plan."""

from __future__ import annotations

from flask import abort, render_template, request

from webapp.blueprints.planning import plan_sms, plans, rosters
from webapp.blueprints.planning.views import bp
from webapp.core.spreadsheets import CSV_MIME, SPREADSHEET_MIMES, attachment
from webapp.inputs import parse_id
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.get("/plans/<int:plan_id>/export.<fmt>")
@role_required(COORDINATOR)
def export(plan_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    plan = plans.volunteer_plan_or_404(plan_id)
    body = rosters.export(plan, fmt)
    return attachment(body, SPREADSHEET_MIMES[fmt], f"plan-{plan.id}.{fmt}")


@bp.get("/plans/<int:plan_id>/roster")
@role_required(COORDINATOR)
def roster(plan_id: int):
    """A printable roster: one post or slot (?target=), one home (?home=), or the whole plan."""
    plan = plans.volunteer_plan_or_404(plan_id)
    target = request.args.get("target") or None
    home_id = parse_id(request.args.get("home"))
    if target is not None and target not in {t["id"] for t in plan.targets}:
        abort(404)
    return render_template(
        "planning/roster.html",
        plan=plan,
        entries=rosters.roster_targets(plan, target=target, home_id=home_id),
        home_id=home_id,
    )


@bp.get("/plans/<int:plan_id>/call-list")
@role_required(COORDINATOR)
def call_list(plan_id: int):
    """Printable: the people of a published plan no e-mail or SMS reached, with their phones
    (empty before publishing: nothing was sent yet)."""
    plan = plans.volunteer_plan_or_404(plan_id)
    callees = plan_sms.call_list(plan) if plan.published_at else []
    return render_template("planning/call_list.html", plan=plan, callees=callees)


@bp.get("/plans/<int:plan_id>/call-list.csv")
@role_required(COORDINATOR)
def call_list_csv(plan_id: int):
    plan = plans.volunteer_plan_or_404(plan_id)
    body = plan_sms.call_list_csv(plan_sms.call_list(plan) if plan.published_at else [])
    return attachment(
        body, CSV_MIME, f"电话通知-{plan.programme.name}.csv", f"call-list-{plan.id}.csv"
    )
