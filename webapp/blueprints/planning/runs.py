"""Solve runs: start one (at most one active per programme), execute it in a worker, cancel it,
and notice a worker that died.

The worker (a thread of this process, or an RQ worker) uses its own database sessions, never the
request's: one for the run itself and one for the heartbeat thread, which every ~2 s writes
``heartbeat_at`` and the progress samples ``[seconds, objective, bound]`` and reads
``cancel_requested`` (the engine's stop callable then ends the search; the best plan found so far
is kept). A crash marks the run failed with its reason; a run whose heartbeat is older than
``SOLVE_HEARTBEAT_TIMEOUT`` seconds (a killed worker) is marked failed by the periodic sweep and
when its page is polled, never left running; its programme returns to its previous state.

``SolveRun.error`` holds ``code|detail``: the code is rendered in the user's language
(``describe_error``), the detail is the technical reason.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.blueprints.planning import adapter, dispatch, programmes
from webapp.blueprints.planning.errors import PlanningError, nothing_to_plan_message
from webapp.core.locking import serialise_writers
from webapp.extensions import db
from webapp.models import Plan, Programme, SolveRun, User
from webapp.models.base import utcnow
from webapp.models.plans import ACTIVE_RUN_STATUSES

log = logging.getLogger(__name__)
MAX_SAMPLES = 240
TIME_LIMITS = (10, 30, 60, 120, 300)


def heartbeat_timeout() -> float:
    return float(current_app.config.get("SOLVE_HEARTBEAT_TIMEOUT", 30))


def queue_timeout() -> float:
    return float(current_app.config.get("SOLVE_QUEUE_TIMEOUT", 600))


# --------------------------------------------------------------------------- starting


def active_run(programme_id: int) -> SolveRun | None:
    return db.session.scalar(
        select(SolveRun).where(
            SolveRun.programme_id == programme_id, SolveRun.status.in_(ACTIVE_RUN_STATUSES)
        )
    )


def already_running(run: SolveRun) -> PlanningError:
    return PlanningError(
        _("A solve of this programme is already running (started %(when)s).", when=_hhmm(run)),
        409,
        run_id=run.id,
    )


def _hhmm(run: SolveRun) -> str:
    from webapp.clock import to_china

    moment = run.started_at or run.created_at
    return to_china(moment).strftime("%H:%M:%S")


def start_run(
    programme: Programme,
    user: User | None,
    *,
    time_limit: float = 30,
    pins_from: Plan | None = None,
    base: Plan | None = None,
    extra: dict | None = None,
    background: bool = True,
) -> SolveRun:
    """Queue a solve (or, with ``base``, a re-plan) of the programme; 409 if one is active.

    Nothing is half-written: the run row and the programme's state change commit together, and
    the worker gets the run only after that commit. Two requests racing: the partial unique
    index on active runs lets one insert win; the other gets the 409.
    """
    serialise_writers()  # SQLite: take the write lock first, so the savepoint below is real
    stale_check(programme.id)
    running = active_run(programme.id)
    if running is not None:
        raise already_running(running)
    if (reason := programmes.can_solve(programme)) is not None:
        raise PlanningError(reason, 422)
    if base is not None and not base.is_published:
        raise PlanningError(_("Only the published plan can be re-planned."), 409)
    parameters = {
        "time_limit": float(time_limit),
        "previous_state": programme.state,
        "pins_from": pins_from.id if pins_from is not None else None,
        **(extra or {}),
    }
    run = SolveRun(
        programme_id=programme.id,
        kind="replan" if base is not None else "solve",
        base_plan_id=base.id if base is not None else None,
        status="queued",
        parameters=parameters,
        requested_by_id=user.id if user is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        winner = active_run(programme.id)
        if winner is None:
            raise
        raise already_running(winner) from None
    programme.state = "solving"
    db.session.flush()
    audit.record(
        "solve.started",
        "programme",
        programme.id,
        after={"run": run.id, "kind": run.kind, "time_limit": float(time_limit)},
        actor_id=user.id if user is not None else None,
    )
    if background:
        dispatch.dispatch_after_commit(run.id, float(time_limit))
    return run


def keep_searching(plan: Plan, user: User | None, time_limit: float) -> SolveRun:
    """Search on from an unproven proposal: its plan is the start, its pins stay pinned."""
    if not plan.is_proposed:
        raise PlanningError(_("Only a proposal can be searched further."), 409)
    if plan.engine_status != "feasible":
        raise PlanningError(
            _("This plan is proven optimal: there is nothing better to search for."), 409
        )
    return start_run(
        plan.programme,
        user,
        time_limit=time_limit,
        pins_from=plan,
        base=plan.base_plan if plan.base_plan_id else None,
        extra={"start_from": plan.id},
    )


def cancel_run(run: SolveRun, user: User | None) -> SolveRun:
    """Ask the worker to stop (it keeps the best plan so far); a queued run ends at once."""
    if not run.active:
        raise PlanningError(_("This solve has already ended."), 409)
    run.cancel_requested = True
    if run.status == "queued":
        _finish(run, "cancelled")
    audit.record(
        "solve.cancelled",
        "programme",
        run.programme_id,
        after={"run": run.id},
        actor_id=user.id if user is not None else None,
    )
    db.session.flush()
    return run


# --------------------------------------------------------------------------- executing


def execute_run(app: Flask, run_id: int) -> None:
    """The worker's body: claim the run, build, solve with heartbeats, store the proposal."""
    with app.app_context():
        try:
            _execute(app, run_id)
        except Exception as error:  # a crash: the run says why, the programme gets its state back
            log.exception("solve run %s crashed", run_id)
            db.session.rollback()
            detail = f"{type(error).__name__}: {error}"
            fail_run(run_id, f"crash|{detail}\n{traceback.format_exc(limit=3)}")
            db.session.commit()
        finally:
            db.session.remove()


def _claim(run_id: int) -> SolveRun | None:
    claimed = db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status == "queued")
        .where(SolveRun.cancel_requested.is_(False))
        .values(
            status="running",
            started_at=utcnow(),
            heartbeat_at=utcnow(),
            worker=f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:120],
        )
    ).rowcount
    db.session.commit()
    return db.session.get(SolveRun, run_id) if claimed == 1 else None


def _execute(app: Flask, run_id: int) -> None:
    run = _claim(run_id)
    if run is None:  # gone, cancelled while queued, or another worker has it
        return
    programme = run.programme
    pins_from = (
        db.session.get(Plan, run.parameters["pins_from"])
        if run.parameters.get("pins_from")
        else None
    )
    try:
        built = adapter.build(programme, pins_from=pins_from, base=run.base_plan)
    except adapter.NothingToPlan as nothing:
        fail_run(run.id, f"nothing_to_plan|{nothing.reason}|{nothing.item}|{nothing.message}")
        db.session.commit()
        return
    start_from = run.parameters.get("start_from")
    start = db.session.get(Plan, start_from).assignments if start_from else ()
    beat = Heartbeat(app, run.id)
    beat.start()
    try:
        outcome = adapter.solve_programme(
            built, run.parameters, beat.record, beat.stop_requested.is_set, start
        )
    finally:
        beat.finish()
    db.session.refresh(run)
    if not run.is_running:  # the sweep gave up on us meanwhile: keep its verdict
        return
    run.progress = beat.samples()
    finish_with(run, built, outcome)
    db.session.commit()


def finish_with(run: SolveRun, built: adapter.Built, outcome: adapter.Outcome) -> Plan | None:
    """End a run with what the solve gave: the proposal (the programme's other proposals are
    discarded), the figures, or why there is no plan (flushed, not committed)."""
    programme = run.programme
    plan = None
    if outcome.has_plan:
        plan = adapter.save_proposal(built, programme)
        for old in db.session.scalars(
            select(Plan).where(
                Plan.programme_id == programme.id, Plan.state == "proposed", Plan.id != plan.id
            )
        ):
            old.state = "discarded"
        seats = outcome.summary
        run.needed, run.filled, run.unfilled = seats.needed, seats.filled, seats.unfilled
        audit.record(
            "plan.proposed",
            "plan",
            plan.id,
            after={"run": run.id, "assignments": seats.assignments, "status": outcome.status},
            actor_id=run.requested_by_id,
        )
    run.plan_id = plan.id if plan is not None else None
    run.engine_status = outcome.status
    run.objective, run.bound, run.gap = outcome.objective, outcome.bound, outcome.gap
    run.seconds = round(outcome.seconds, 3)
    if outcome.failure:
        run.error = "engine|" + outcome.failure
    _finish(run, "cancelled" if run.cancel_requested else "done", plan_made=plan is not None)
    db.session.flush()
    return plan


def _finish(run: SolveRun, status: str, plan_made: bool = False) -> None:
    run.status = status
    run.finished_at = utcnow()
    programme = run.programme
    if programme.is_solving:
        programme.state = "proposed" if plan_made else run.parameters.get("previous_state", "draft")


def fail_run(run_id: int, error: str) -> bool:
    """Mark an active run failed with its reason (flush); False when it had already ended."""
    run = db.session.get(SolveRun, run_id)
    if run is None or not run.active:
        return False
    run.error = error[:4000]
    _finish(run, "failed")
    db.session.flush()
    return True


class Heartbeat(threading.Thread):
    """Writes heartbeat and progress every ~2 s through its own session; reads cancel."""

    def __init__(self, app: Flask, run_id: int) -> None:
        super().__init__(name=f"heartbeat-{run_id}", daemon=True)
        self.app, self.run_id = app, run_id
        self.stop_requested = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._samples: list[list] = []
        self._last_objective: float | None = None

    def record(self, progress: adapter.Progress) -> None:
        """The adapter's progress callback (called from the solver's threads)."""
        with self._lock:
            if progress.objective is not None:
                self._last_objective = progress.objective
            sample = [
                round(progress.seconds, 2),
                self._last_objective,
                None if progress.bound is None else round(progress.bound, 1),
            ]
            self._samples.append(sample)
            if len(self._samples) > MAX_SAMPLES:  # keep the first, thin out the middle
                self._samples = self._samples[:1] + self._samples[2::2] + self._samples[-1:]

    def samples(self) -> list[list]:
        with self._lock:
            return [list(s) for s in self._samples]

    def run(self) -> None:
        every = float(self.app.config.get("SOLVE_HEARTBEAT_SECONDS", 2.0))
        while not self._done.wait(every):
            self.beat()

    def beat(self) -> None:
        try:
            with self.app.app_context():
                db.session.execute(
                    update(SolveRun)
                    .where(SolveRun.id == self.run_id, SolveRun.status == "running")
                    .values(heartbeat_at=utcnow(), progress=self.samples())
                )
                cancel = db.session.scalar(
                    select(SolveRun.cancel_requested).where(SolveRun.id == self.run_id)
                )
                status = db.session.scalar(
                    select(SolveRun.status).where(SolveRun.id == self.run_id)
                )
                db.session.commit()
                db.session.remove()
            if cancel or status != "running":
                self.stop_requested.set()
        except Exception:  # a missed beat is not fatal; the next one may work
            log.exception("heartbeat of solve run %s failed", self.run_id)

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=10)


# --------------------------------------------------------------------------- dead workers


def _stale_filter(now: datetime):
    return (
        (SolveRun.status == "running")
        & (SolveRun.heartbeat_at < now - timedelta(seconds=heartbeat_timeout()))
    ) | (
        (SolveRun.status == "queued")
        & (SolveRun.created_at < now - timedelta(seconds=queue_timeout()))
    )


def stale_check(programme_id: int | None = None, now: datetime | None = None) -> int:
    """Mark failed every active run (of a programme, or all) whose worker stopped answering."""
    now = now or utcnow()
    query = select(SolveRun).where(_stale_filter(now))
    if programme_id is not None:
        query = query.where(SolveRun.programme_id == programme_id)
    count = 0
    for run in db.session.scalars(query.with_for_update(skip_locked=True)):
        if run.is_running:
            last = run.heartbeat_at.isoformat(timespec="seconds") if run.heartbeat_at else "never"
            detail = f"stale|no heartbeat since {last} (worker {run.worker or 'unknown'})"
        else:
            detail = "not_picked_up|no worker took the run from the queue"
        count += fail_run(run.id, detail)
    return count


def sweep_stale_runs() -> int:
    """Periodic job (see webapp/periodic.py): fail the runs of dead workers, then commit."""
    count = stale_check()
    db.session.commit()
    return count


# --------------------------------------------------------------------------- showing


def gap_of(objective: float | None, bound: float | None) -> float | None:
    """Relative gap, as the engine reports it: |objective - bound| / max(1, |objective|)."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def describe_error(run: SolveRun) -> tuple[str, str]:
    """(What happened, in the user's language; the technical detail)."""
    code, _sep, detail = (run.error or "").partition("|")
    if code == "stale":
        return _("The worker stopped answering (its process ended or was killed)."), detail
    if code == "not_picked_up":
        return _("No worker took this solve from the queue. Is `flask worker` running?"), detail
    if code == "nothing_to_plan":
        reason, _s, rest = detail.partition("|")
        return nothing_to_plan_message(reason), rest.replace("|", " ").strip()
    if code == "crash":
        return _("The solve stopped with an error."), detail
    if code == "engine":
        return _("The solver found no plan."), detail
    if not code:
        return "", ""
    return _("The solve could not run."), detail or code
