"""Solving: start a solve or a re-plan, the run page with its polled progress, cancel."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.planning import chart, proof
from webapp.blueprints.planning import plans as plan_svc
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning import runs as run_svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import SolveForm
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import refused
from webapp.core.lookup import get_or_404
from webapp.htmx import STOP_POLLING, hx_redirect, is_fragment_request
from webapp.models import SolveRun
from webapp.models.accounts import COORDINATOR
from webapp.models.base import utcnow
from webapp.security import role_required


def _time_limit() -> float:
    """The form's search time; a request without one starts nothing (422)."""
    raw = request.form.get("time_limit", "")
    try:
        value = float(raw)
    except ValueError:
        raise PlanningError(
            _("Choose how long the solver may search."), field="time_limit"
        ) from None
    if value not in run_svc.TIME_LIMITS:
        raise PlanningError(_("Choose how long the solver may search."), field="time_limit")
    return value


def _started(run: SolveRun):
    return hx_redirect(url_for("planning.run", run_id=run.id), status=303)


@bp.post("/programmes/<int:programme_id>/solve")
@role_required(COORDINATOR)
def solve(programme_id: int):
    """Start a solve; the answer comes at once (a redirect to the run page)."""
    programme = svc.programme_or_404(programme_id)
    try:
        run = run_svc.start_run(programme, current_user, time_limit=_time_limit())
    except PlanningError as error:
        return refused(error)
    return _started(run)


@bp.post("/programmes/<int:programme_id>/replan")
@role_required(COORDINATOR)
def replan(programme_id: int):
    """Re-plan after a change: as few changes to the published plan as the rules allow."""
    programme = svc.programme_or_404(programme_id)
    base = svc.published_plan(programme.id)
    try:
        if base is None:
            raise PlanningError(_("Nothing is published yet: solve and publish first."), 409)
        run = run_svc.start_run(programme, current_user, time_limit=_time_limit(), base=base)
    except PlanningError as error:
        return refused(error)
    return _started(run)


@bp.post("/plans/<int:plan_id>/resolve")
@role_required(COORDINATOR)
def resolve(plan_id: int):
    """Solve again, keeping the pinned assignments of this proposal (and its base, if any)."""
    plan = plan_svc.plan_or_404(plan_id)
    try:
        if not plan.is_proposed:
            raise PlanningError(
                _("Only a proposal is solved again; re-plan a published plan."), 409
            )
        run = run_svc.start_run(
            plan.programme,
            current_user,
            time_limit=_time_limit(),
            pins_from=plan,
            base=plan.base_plan if plan.base_plan_id else None,
        )
    except PlanningError as error:
        return refused(error)
    return _started(run)


@bp.post("/plans/<int:plan_id>/keep-searching")
@role_required(COORDINATOR)
def keep_searching(plan_id: int):
    """Search on from an unproven proposal, with that plan as the start."""
    plan = plan_svc.plan_or_404(plan_id)
    try:
        run = run_svc.keep_searching(plan, current_user, _time_limit())
    except PlanningError as error:
        return refused(error)
    return _started(run)


def _run_or_404(run_id: int) -> SolveRun:
    return get_or_404(SolveRun, run_id)


def _next_limit(run: SolveRun) -> str:
    """Keep searching offers the next longer search time than the run had."""
    had = float((run.parameters or {}).get("time_limit") or 30)
    longer = [s for s in run_svc.TIME_LIMITS if s > had]
    return str(longer[0] if longer else run_svc.TIME_LIMITS[-1])


def _progress_context(run: SolveRun) -> dict:
    if run.is_running and run.heartbeat_at is not None:
        # Polled: a run whose worker stopped answering is marked failed here too.
        age = (utcnow() - run.heartbeat_at).total_seconds()
        if age > run_svc.heartbeat_timeout():
            run_svc.stale_check(run.programme_id)
    started = run.started_at or run.created_at
    ended = run.finished_at or utcnow()
    elapsed = max(0.0, (ended - started).total_seconds()) if run.started_at else 0.0
    samples = run.progress or []
    last = samples[-1] if samples else [None, None, None]
    objective = run.objective if not run.active else last[1]
    bound = run.bound if not run.active else last[2]
    gap = run.gap if not run.active else run_svc.gap_of(objective, bound)
    message, detail = run_svc.describe_error(run)
    plan = run.plan if not run.active else None
    return {
        "proof": proof.of_plan(plan),
        "keep_searching": proof.can_keep_searching(plan)
        and run_svc.active_run(run.programme_id) is None,
        "solve_form": SolveForm(formdata=None, time_limit=_next_limit(run)),
        "run": run,
        "elapsed": elapsed,
        "objective": objective,
        "bound": bound,
        "gap": gap,
        "chart": chart.build(samples, elapsed),
        "error_message": message,
        "error_detail": detail,
        "time_limit": (run.parameters or {}).get("time_limit"),
    }


@bp.get("/runs/<int:run_id>")
@role_required(COORDINATOR)
def run(run_id: int):
    run = _run_or_404(run_id)
    return render_template("planning/run.html", **_progress_context(run))


@bp.get("/runs/<int:run_id>/progress")
@role_required(COORDINATOR)
def run_progress(run_id: int):
    """The polled fragment; HTTP 286 tells htmx to stop polling once the run has ended."""
    run = _run_or_404(run_id)
    context = _progress_context(run)
    status = 200 if run.active else STOP_POLLING
    return render_template("planning/_run_progress.html", **context), status


@bp.post("/runs/<int:run_id>/cancel")
@role_required(COORDINATOR)
def cancel(run_id: int):
    run = _run_or_404(run_id)
    try:
        run_svc.cancel_run(run, current_user)
    except PlanningError as error:
        return refused(error)
    if is_fragment_request():
        return render_template("planning/_run_progress.html", **_progress_context(run))
    flash(_("Stopping the solve; the best plan found so far is kept."), "success")
    return hx_redirect(url_for("planning.run", run_id=run.id))
