"""Planning: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

# cli_group=None: its commands keep top-level names (`flask --app webapp.app solve`).
bp = Blueprint("planning", __name__, url_prefix="/planning", cli_group=None)

# The view modules register their routes on bp when imported.
from webapp import periodic  # noqa: E402
from webapp.blueprints.planning import commands  # noqa: E402
from webapp.blueprints.planning.runs import sweep_stale_runs  # noqa: E402
from webapp.blueprints.planning.views import (  # noqa: E402, F401
    calls,
    common,
    copying,
    exports,
    posts,
    programmes,
    publish,
    review,
    runs,
    visits,
)
from webapp.periodic import PeriodicJob  # noqa: E402


@bp.record_once
def _register_jobs(state) -> None:
    # Solve runs whose worker died (no heartbeat) are marked failed, never left running.
    periodic.register(state.app, PeriodicJob("sweep-stale-solve-runs", 30, sweep_stale_runs))


bp.cli.add_command(commands.list_programmes)
bp.cli.add_command(commands.solve_programme)
