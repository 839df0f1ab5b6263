"""Reviewing a video-call rota: the rooms' weeks, families without a call, move and pin."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.planning import call_board, proof
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning import runs as run_svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import SolveForm
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import locale, refused
from webapp.htmx import hx_redirect
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def plan_context(plan) -> dict:
    """What both children's plan pages show around their board: the plan, the plan it is
    compared with (the re-plan's base, else the published one), the run, the proof."""
    programme = plan.programme
    published = svc.published_plan(programme.id)
    compare = plan.base_plan if plan.base_plan_id else None
    if compare is None and plan.is_proposed:
        compare = published
    return {
        "plan": plan,
        "programme": programme,
        "compare": compare,
        "published": published,
        "run": plan.solve_run,
        "active": run_svc.active_run(programme.id),
        "proof": proof.of_plan(plan),
        "keep_searching": proof.can_keep_searching(plan),
        "solve_form": SolveForm(formdata=None),
    }


def board_page(plan):
    """The plan page of a video-call programme (called by review.plan)."""
    context = plan_context(plan)
    home_id = request.args.get("home", type=int)
    context["board"] = call_board.board(plan, context["compare"], locale(), home_id)
    context["homes"] = sorted(plan.programme.homes, key=lambda h: h.name)
    context["home_id"] = home_id
    return render_template("planning/call_plan.html", **context)


def _back(plan):
    return hx_redirect(url_for("planning.plan", plan_id=plan.id))


@bp.route("/call-placements/<int:placement_id>/move", methods=["GET", "POST"])
@role_required(COORDINATOR)
def move_call(placement_id: int):
    """Choose another slot for a family's call (every slot of its home, with why not)."""
    plan = call_board.plan_of_placement(placement_id)
    try:
        rows = call_board.family_rows(plan, placement_id)
        _built, choices = call_board.slot_choices(plan, placement_id)
        if request.method == "POST":
            call_board.move(plan, placement_id, request.form.get("slot", ""), current_user)
            flash(_("Moved; the call is pinned there."), "success")
            return _back(plan)
    except PlanningError as error:
        if request.method == "POST" and error.status == 422:
            rows = call_board.family_rows(plan, placement_id)
            _built, choices = call_board.slot_choices(plan, placement_id)
            return render_template(
                "planning/call_move.html", plan=plan, rows=rows, choices=choices, error=error
            ), 422
        return refused(error)
    return render_template("planning/call_move.html", plan=plan, rows=rows, choices=choices)


@bp.post("/call-placements/<int:placement_id>/pin")
@role_required(COORDINATOR)
def pin_call(placement_id: int):
    plan = call_board.plan_of_placement(placement_id)
    try:
        pinned = call_board.toggle_pin(plan, placement_id)
    except PlanningError as error:
        return refused(error)
    flash(_("Pinned: the next solve keeps this call.") if pinned else _("Unpinned."), "success")
    return _back(plan)
