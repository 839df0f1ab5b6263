"""Reviewing a plan: board and table, explanations, pins and hand edits, publish, messages."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from webapp.blueprints.planning import editing, explaining, plans, publishing
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning import runs as run_svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import MessageForm, SolveForm
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import locale, refused
from webapp.extensions import db
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.models import Home
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required

PAGE_TARGETS = 60
PAGE_ROWS = 200


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _rendered(plan, targets, names) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in targets.values():
        out[t.id] = [explaining.explanation(e, names) for e in t.explanations]
    return out


@bp.get("/plans/<int:plan_id>")
@role_required(COORDINATOR)
def plan(plan_id: int):
    """The review page. Only the targets on screen are described and given their people; the
    totals come from one grouped count, so the page stays quick on a county-sized plan."""
    plan = plans.plan_or_404(plan_id)
    programme = plan.programme
    counts = plans.fill_counts(plan)
    specs = plan.targets
    view = "table" if request.args.get("view") == "table" else "board"
    home = request.args.get("home", "")
    short = request.args.get("short") == "1"

    def have(spec: dict) -> int:
        return counts.get(spec["id"], (0, 0))[0]

    shown = [
        s
        for s in specs
        if (not home or str(s.get("home")) == home)
        and (not short or have(s) < s.get("preferred", s.get("min", 0)))
    ]
    page = _page_number()
    if view == "board":
        pages = max(1, -(-len(shown) // PAGE_TARGETS))
        page = min(page, pages)
        on_page = shown[(page - 1) * PAGE_TARGETS : page * PAGE_TARGETS]
        first_row = 0
    else:
        total = sum(counts.get(s["id"], (0, 0))[1] for s in shown)
        pages = max(1, -(-total // PAGE_ROWS))
        page = min(page, pages)
        start, seen, on_page, first_row = (page - 1) * PAGE_ROWS, 0, [], 0
        for s in shown:  # the targets whose rows fall on this page, and where the page starts
            rows_here = counts.get(s["id"], (0, 0))[1]
            if seen + rows_here > start and seen < start + PAGE_ROWS:
                if not on_page:
                    first_row = start - seen
                on_page.append(s)
            seen += rows_here
    targets = plans.load_targets(plan, only={s["id"] for s in on_page})
    ordered = [targets[s["id"]] for s in on_page if s["id"] in targets]
    names = plans.names_for(plan, targets, locale())
    columns, rows = [], []
    if view == "board":
        columns = ordered
    else:
        every = [(t, a) for t in ordered for a in t.people]
        rows = every[first_row : first_row + PAGE_ROWS]
    published = svc.published_plan(programme.id)
    base = plan.base_plan if plan.base_plan_id else None
    compare = base or (published if plan.state == "proposed" and published else None)
    general = [explaining.explanation(e, names) for e in plan.explanations if not e.get("target")]
    context = {
        "plan": plan,
        "programme": programme,
        "view": view,
        "columns": columns,
        "rows": rows,
        "page": page,
        "pages": pages,
        "filters": {"view": view, "home": home, "short": "1" if short else ""},
        "homes": _homes(specs),
        "explained": _rendered(plan, targets, names),
        "general": general,
        "totals": _totals(specs, counts),
        "diff": plans.diff_against(compare, plan) if compare is not None else None,
        "compare": compare,
        "published": published,
        "solve_form": SolveForm(formdata=None),
        "message_form": MessageForm(formdata=None),
        "run": plan.solve_run,
        "active": run_svc.active_run(programme.id),
    }
    return render_template("planning/plan.html", **context)


def _homes(specs: list[dict]) -> list[tuple[int, str]]:
    home_ids = {s["home"] for s in specs if s.get("home")}
    if not home_ids:
        return []
    rows = db.session.execute(select(Home.id, Home.name).where(Home.id.in_(home_ids)))
    return sorted(((hid, name) for hid, name in rows), key=lambda x: x[1])


def _totals(specs: list[dict], counts: dict[str, tuple[int, int]]) -> dict[str, int]:
    have = {s["id"]: counts.get(s["id"], (0, 0))[0] for s in specs}
    minimum = {s["id"]: s.get("min", 0) for s in specs}
    preferred = {s["id"]: s.get("preferred", s.get("min", 0)) for s in specs}
    return {
        "targets": len(specs),
        "assignments": sum(n for n, _rows in counts.values()),
        "needed": sum(minimum.values()),
        "filled": sum(min(have[t], minimum[t]) for t in have),
        "below_minimum": sum(have[t] < minimum[t] for t in have),
        "below_preferred": sum(minimum[t] <= have[t] < preferred[t] for t in have),
    }


def _column(plan, target_id: str):
    """One board column again (after a pin or a removal), for htmx to swap in place."""
    targets = plans.load_targets(plan, only={target_id})
    names = plans.names_for(plan, targets, locale())
    target = targets[target_id]
    return render_template(
        "planning/_column.html",
        plan=plan,
        target=target,
        explained={target_id: [explaining.explanation(e, names) for e in target.explanations]},
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


@bp.post("/assignments/<int:assignment_id>/forbid")
@role_required(COORDINATOR)
def forbid(assignment_id: int):
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
    plan = plans.plan_or_404(plan_id)
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
        units=editing.candidates(plan, plan.programme),
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


@bp.post("/plans/<int:plan_id>/publish")
@role_required(COORDINATOR)
def publish(plan_id: int):
    plan = plans.plan_or_404(plan_id)
    try:
        _plan, told, diff = publishing.publish(plan, current_user)
    except PlanningError as error:
        return refused(error)
    flash(_("Published: the assignments are confirmed."), "success")
    if told.told:
        flash(
            ngettext(
                "%(num)s volunteer was told.", "%(num)s volunteers were told.", len(told.told)
            ),
            "success",
        )
    if told.not_told:
        flash(
            _(
                "Could not be told (no account to send to): %(names)s. Tell them yourself.",
                names="、".join(told.not_told),
            ),
            "warning",
        )
    return _back(plan)


@bp.post("/plans/<int:plan_id>/discard")
@role_required(COORDINATOR)
def discard(plan_id: int):
    plan = plans.plan_or_404(plan_id)
    try:
        publishing.discard(plan, current_user)
    except PlanningError as error:
        return refused(error)
    flash(_("Proposal discarded."), "success")
    return hx_redirect(url_for("planning.programme", programme_id=plan.programme_id))


@bp.post("/plans/<int:plan_id>/message")
@role_required(COORDINATOR)
def message(plan_id: int):
    plan = plans.plan_or_404(plan_id)
    form = MessageForm()
    target = request.form.get("target", "")
    try:
        told = publishing.message_target(
            plan, target, form.subject.data or "", form.body.data or "", current_user
        )
    except PlanningError as error:
        return refused(error)
    flash(
        ngettext(
            "Message sent to %(num)s person.", "Message sent to %(num)s people.", len(told.told)
        ),
        "success",
    )
    if told.not_told:
        flash(
            _(
                "Could not be told (no account to send to): %(names)s. Tell them yourself.",
                names="、".join(told.not_told),
            ),
            "warning",
        )
    return _back(plan, target)
