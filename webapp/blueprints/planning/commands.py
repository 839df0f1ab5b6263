"""`flask --app webapp.app programmes --json` and `flask --app webapp.app solve ID`: the same
services as the pages (a solve run is started and executed exactly as a worker would, but in the
foreground)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db


@click.command("programmes")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@with_appcontext
def list_programmes(as_json: bool) -> None:
    """List the planning programmes (id, kind, name, dates, state)."""
    from webapp.blueprints.planning import programmes

    rows = [
        {
            "id": row.programme.id,
            "kind": row.programme.kind,
            "name": row.programme.name,
            "state": row.programme.state,
            "starts_on": row.programme.starts_on.isoformat(),
            "ends_on": row.programme.ends_on.isoformat(),
            "volunteers": row.volunteers,
            "teams": row.teams,
            "posts": row.posts,
        }
        for row in programmes.all_programmes()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(
            f"{r['id']:>4}  {r['kind']:9} {r['state']:10} {r['starts_on']}..{r['ends_on']}  "
            f"{r['name']}"
        )


@click.command("solve")
@click.argument("programme_id", type=int)
@click.option(
    "--time-limit",
    type=click.FloatRange(1, 3600),
    default=30.0,
    show_default=True,
    help="Seconds the solver may search.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (last line).")
@with_appcontext
def solve_programme(programme_id: int, time_limit: float, as_json: bool) -> None:
    """Solve a programme in the foreground and store the proposal (or re-plan a published one:
    use the pages for that; this command always makes a fresh proposal)."""
    from flask_babel import force_locale

    with force_locale("en"):  # no request here to choose a language from
        _solve(programme_id, time_limit, as_json)


def _solve(programme_id: int, time_limit: float, as_json: bool) -> None:
    from webapp.blueprints.planning import proof, runs
    from webapp.blueprints.planning.errors import PlanningError
    from webapp.models import Programme, SolveRun

    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise click.ClickException(f"no programme with id {programme_id}")
    try:
        run = runs.start_run(programme, None, time_limit=time_limit, background=False)
    except PlanningError as refused:
        raise click.ClickException(refused.message) from None
    db.session.commit()
    run_id = run.id
    if not as_json:
        click.echo(f"Solving {programme.name} (run {run_id}, at most {time_limit:g} s)...")
    runs.execute_run(current_app._get_current_object(), run_id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run_id)
    if run.has_failed:
        message, detail = runs.describe_error(run)
        raise click.ClickException(f"{message} {detail}".strip())
    result = {
        "programme": programme_id,
        "run": run.id,
        "plan": run.plan_id,
        "status": run.engine_status,
        "objective": run.objective,
        "bound": run.bound,
        "gap": run.gap,
        "seconds": run.seconds,
        "needed": run.needed,
        "filled": run.filled,
        "unfilled": run.unfilled,
        # What was proven, in words (issue 26): optimal, or how far at most; fillable minimums.
        "proof": (found.sentences() if (found := proof.of_plan(run.plan)) else []),
    }
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(
        f"{run.engine_status}: objective {run.objective}, bound {run.bound}, gap {run.gap}, "
        f"{run.seconds} s; filled {run.filled} of {run.needed} places "
        f"({run.unfilled} unfilled). Proposal: plan {run.plan_id}."
    )
    for line in result["proof"]:
        click.echo(line)
