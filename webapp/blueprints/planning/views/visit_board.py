"""Reviewing a home-visit campaign: each pair's days and routes, unvisited households, move and
pin."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.planning import visit_board
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.call_board import plan_context
from webapp.blueprints.planning.views.common import locale, refused
from webapp.htmx import hx_redirect
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def board_page(plan):
    """The plan page of a home-visit programme (called by review.plan)."""
    context = plan_context(plan)
    context["board"] = visit_board.board(plan, context["compare"], locale())
    return render_template("planning/visit_plan.html", **context)


def _back(plan):
    return hx_redirect(url_for("planning.plan", plan_id=plan.id))


@bp.route("/visit-placements/<int:placement_id>/move", methods=["GET", "POST"])
@role_required(COORDINATOR)
def move_visit(placement_id: int):
    """Give a household to another pair's day (every pair's days are offered)."""
    plan = visit_board.plan_of_placement(placement_id)
    row = visit_board.placements_row(plan, placement_id)
    try:
        _built, choices = visit_board.day_choices(plan)
        if request.method == "POST":
            visit_board.move(plan, placement_id, request.form.get("target", ""), current_user)
            flash(
                _("Moved; the visit is pinned there and both days are in visiting order."),
                "success",
            )
            return _back(plan)
    except PlanningError as error:
        if request.method == "POST" and error.status == 422:
            plan = visit_board.plan_of_placement(placement_id)
            row = visit_board.placements_row(plan, placement_id)
            _built, choices = visit_board.day_choices(plan)
            return render_template(
                "planning/visit_move.html", plan=plan, row=row, choices=choices, error=error
            ), 422
        return refused(error)
    return render_template("planning/visit_move.html", plan=plan, row=row, choices=choices)


@bp.post("/visit-placements/<int:placement_id>/pin")
@role_required(COORDINATOR)
def pin_visit(placement_id: int):
    plan = visit_board.plan_of_placement(placement_id)
    try:
        pinned = visit_board.toggle_pin(plan, placement_id)
    except PlanningError as error:
        return refused(error)
    flash(_("Pinned: the next solve keeps this visit.") if pinned else _("Unpinned."), "success")
    return _back(plan)
