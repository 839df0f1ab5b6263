"""Children: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py). The pages lived under /volunteers/ before; moved.py answers there
with permanent redirects."""

from __future__ import annotations

from flask import Blueprint

from webapp import periodic
from webapp.blueprints.children.reported import close_ended_months
from webapp.periodic import PeriodicJob

# cli_group=None: its commands keep top-level names (`flask --app webapp.app coverage`).
bp = Blueprint("children", __name__, url_prefix="/children", cli_group=None)

# The view modules register their routes on bp when imported.
from webapp.blueprints.children import commands  # noqa: E402
from webapp.blueprints.children.views import (  # noqa: E402, F401
    card,
    card_family,
    coverage,
    meetings,
    mine,
    pairings,
    records,
)

bp.cli.add_command(commands.coverage_command)
bp.cli.add_command(commands.close_coverage_command)


@bp.record_once
def _register_jobs(state) -> None:
    # Ended months' coverage counts are stored within an hour of the month's end.
    periodic.register(state.app, PeriodicJob("close-coverage-months", 3600, close_ended_months))
