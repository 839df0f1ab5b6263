"""Printable rosters (per post or slot, per home) and CSV/XLSX exports of a plan."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from webapp.blueprints.planning import plans, rosters
from webapp.blueprints.planning.views import bp
from webapp.blueprints.volunteers.exporting import CSV_MIME, XLSX_MIME
from webapp.inputs import parse_id
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.get("/plans/<int:plan_id>/export.<fmt>")
@role_required(COORDINATOR)
def export(plan_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    plan = plans.plan_or_404(plan_id)
    body = rosters.export(plan, fmt)
    name = f"plan-{plan.id}.{fmt}"
    return Response(
        body,
        mimetype=XLSX_MIME if fmt == "xlsx" else CSV_MIME,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/plans/<int:plan_id>/roster")
@role_required(COORDINATOR)
def roster(plan_id: int):
    """A printable roster: one post or slot (?target=), one home (?home=), or the whole plan."""
    plan = plans.plan_or_404(plan_id)
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
