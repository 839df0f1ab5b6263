"""Reviewing a plan: board and table, explanations, pins and hand edits, publish, messages."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from webapp.blueprints.planning import checking, editing, explaining, plans, proof, publishing
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning import runs as run_svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import MessageForm, SolveForm
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views import call_board as call_board_views
from webapp.blueprints.planning.views import visit_board as visit_board_views
from webapp.blueprints.planning.views.common import locale, refused
from webapp.extensions import db
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.labels import join_list
from webapp.models import Home
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def _rendered(targets, names) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per target: why it is short, and the rules it breaks now (after a hand edit)."""
    why: dict[str, list[str]] = {}
    broken: dict[str, list[str]] = {}
    for t in targets.values():
        why[t.id] = [
            explaining.explanation(e, names)
            for e in t.explanations
            if e.get("kind") != checking.BROKEN
        ]
        broken[t.id] = [
            explaining.explanation(e, names)
            for e in t.explanations
            if e.get("kind") == checking.BROKEN
        ]
    return why, broken


@bp.get("/plans/<int:plan_id>")
@role_required(COORDINATOR)
def plan(plan_id: int):
    """The review page: one page of the board (targets) or of the table (people)."""
    plan = plans.plan_or_404(plan_id)
    programme = plan.programme
    if programme.kind == "video_calls":
        return call_board_views.board_page(plan)
    if programme.kind == "home_visits":
        return visit_board_views.board_page(plan)
    view = "table" if request.args.get("view") == "table" else "board"
    home = request.args.get("home", "")
    short = request.args.get("short") == "1"
    page = request.args.get("page", 1, type=int)
    shown = plans.review(plan, table=view == "table", home=home, short=short, page=page)
    names = plans.names_for(plan, shown.targets, locale())
    published = svc.published_plan(programme.id)
    base = plan.base_plan if plan.base_plan_id else None
    compare = base or (published if plan.is_proposed and published else None)
    general = [explaining.explanation(e, names) for e in plan.explanations if not e.get("target")]
    previous = plans.previous_proposal(plan)
    why, broken = _rendered(shown.targets, names)
    context = {
        "plan": plan,
        "programme": programme,
        "view": view,
        "columns": shown.columns,
        "rows": shown.rows,
        "page": shown.page.page,
        "pages": shown.page.pages,
        "filters": {"view": view, "home": home, "short": "1" if short else ""},
        "homes": _homes(plan.targets),
        "explained": why,
        "broken": broken,
        "general": general,
        "totals": shown.summary,
        "diff": plans.diff_against(compare, plan) if compare is not None else None,
        "previous": previous,
        "since": plans.diff_against(previous, plan) if previous is not None else None,
        "compare": compare,
        "published": published,
        "solve_form": SolveForm(formdata=None),
        "message_form": MessageForm(formdata=None),
        "run": plan.solve_run,
        "active": run_svc.active_run(programme.id),
        "proof": proof.of_plan(plan),
        "keep_searching": proof.can_keep_searching(plan),
    }
    return render_template("planning/plan.html", **context)


def _homes(specs: list[dict]) -> list[tuple[int, str]]:
    home_ids = {s["home"] for s in specs if s.get("home")}
    if not home_ids:
        return []
    rows = db.session.execute(select(Home.id, Home.name).where(Home.id.in_(home_ids)))
    return sorted(((hid, name) for hid, name in rows), key=lambda x: x[1])


def _column(plan, target_id: str):
    """One board column again (after a pin or a removal), for htmx to swap in place."""
    targets = plans.load_targets(plan, only={target_id})
    names = plans.names_for(plan, targets, locale())
    why, broken = _rendered(targets, names)
    return render_template(
        "planning/_column.html",
        plan=plan,
        target=targets[target_id],
        explained=why,
        broken=broken,
        message_form=MessageForm(formdata=None),
    )


def _back(plan, target_id: str | None = None):
    anchor = f"#target-{target_id}" if target_id else ""
    return hx_redirect(url_for("planning.plan", plan_id=plan.id) + anchor)


def _edit_in_place(assignment_id: int, change, done: str):
    """Pin, take out or keep away: the column again for htmx, else back to the plan."""
    row = plans.assignment_or_404(assignment_id)
    plan, target = row.plan, plans.target_of(row)
    try:
        result = change(row, current_user)
        message = result if isinstance(result, str) else done
    except PlanningError as error:
        return refused(error)
    if is_fragment_request():
        return _column(plan, target)
    flash(message, "success")
    return _back(plan, target)


@bp.post("/assignments/<int:assignment_id>/pin")
@role_required(COORDINATOR)
def pin(assignment_id: int):
    def toggle(row, user):
        return (
            _("Pinned: a re-solve keeps it.") if editing.toggle_pin(row, user) else _("Unpinned.")
        )

    return _edit_in_place(assignment_id, toggle, "")


@bp.post("/assignments/<int:assignment_id>/remove")
@role_required(COORDINATOR)
def remove(assignment_id: int):
    return _edit_in_place(assignment_id, editing.remove, _("Removed from the proposal."))


@bp.route("/assignments/<int:assignment_id>/forbid", methods=["GET", "POST"])
@role_required(COORDINATOR)
def forbid(assignment_id: int):
    """GET: what "Not here" does, to confirm (the step without JavaScript); POST: do it."""
    if request.method == "GET":
        row = plans.assignment_or_404(assignment_id)
        target = plans.load_targets(row.plan, with_people=False).get(plans.target_of(row))
        return render_template(
            "planning/confirm_forbid.html", row=row, plan=row.plan, target=target
        )
    return _edit_in_place(
        assignment_id, editing.forbid, _("Kept away from here in every re-solve, and removed.")
    )


@bp.route("/assignments/<int:assignment_id>/move", methods=["GET", "POST"])
@role_required(COORDINATOR)
def move(assignment_id: int):
    row = plans.assignment_or_404(assignment_id)
    plan = row.plan
    if request.method == "POST":
        try:
            editing.move(row, request.form.get("target", ""), current_user)
        except PlanningError as error:
            return refused(error)
        flash(_("Moved by hand and pinned there."), "success")
        return _back(plan, request.form.get("target"))
    targets = plans.load_targets(plan, with_people=False)
    current = plans.target_of(row)
    return render_template(
        "planning/move.html" if not is_fragment_request() else "planning/_move_form.html",
        plan=plan,
        row=row,
        choices=[t for t in targets.values() if t.id != current],
        current=targets.get(current),
    )


@bp.route("/plans/<int:plan_id>/add", methods=["GET", "POST"])
@role_required(COORDINATOR)
def add(plan_id: int):
    plan = plans.volunteer_plan_or_404(plan_id)
    if request.method == "POST":
        target = request.form.get("target", "")
        try:
            added = editing.add(plan, target, request.form.get("unit", ""), current_user)
        except PlanningError as error:
            return refused(error)
        flash(
            ngettext(
                "%(num)s person added and pinned.", "%(num)s people added and pinned.", len(added)
            ),
            "success",
        )
        return _back(plan, target)
    targets = plans.load_targets(plan, with_people=False)
    target = targets.get(request.args.get("target", ""))
    return render_template(
        "planning/add.html" if not is_fragment_request() else "planning/_add_form.html",
        plan=plan,
        target=target,
        choices=list(targets.values()),
        units=editing.candidates(plan, plan.programme) if target is None else [],
        offers=checking.offers(plan, target.id) if target is not None else None,
    )


@bp.post("/assignments/<int:assignment_id>/withdraw")
@role_required(COORDINATOR)
def withdraw(assignment_id: int):
    row = plans.assignment_or_404(assignment_id)
    try:
        editing.withdraw(row, current_user, request.form.get("note", "").strip())
    except PlanningError as error:
        return refused(error)
    flash(
        _("%(name)s marked as withdrawn. Re-plan to fill the place.", name=row.volunteer.name),
        "success",
    )
    return _back(row.plan, plans.target_of(row))


@bp.post("/plans/<int:plan_id>/message")
@role_required(COORDINATOR)
def message(plan_id: int):
    plan = plans.volunteer_plan_or_404(plan_id)
    form = MessageForm()
    target = request.form.get("target", "")
    try:
        told = publishing.message_target(
            plan, target, form.subject.data or "", form.body.data or "", current_user
        )
    except PlanningError as error:
        return refused(error)
    _flash_told(
        ngettext(
            "Message sent to %(num)s person.", "Message sent to %(num)s people.", len(told.told)
        ),
        told,
    )
    return _back(plan, target)


def _flash_told(said: str, told: publishing.Told) -> None:
    """Who was told (``said``, when there is something to say), then who could not be."""
    if said:
        flash(said, "success")
    if told.not_told:
        flash(
            _(
                "No e-mail or SMS reached %(names)s. Tell them yourself: the plan's call list"
                " has their phones.",
                names=join_list(told.not_told),
            ),
            "warning",
        )
