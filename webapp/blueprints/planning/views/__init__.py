"""Planning: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

# cli_group=None: its commands keep top-level names (`flask --app webapp.app solve`).
bp = Blueprint("planning", __name__, url_prefix="/planning", cli_group=None)

# The view modules register their routes on bp when imported.
from webapp.blueprints.planning import commands  # noqa: E402
from webapp.blueprints.planning.views import (  # noqa: E402, F401
    common,
    exports,
    posts,
    programmes,
    publish,
    review,
    runs,
)

bp.cli.add_command(commands.list_programmes)
bp.cli.add_command(commands.solve_programme)
