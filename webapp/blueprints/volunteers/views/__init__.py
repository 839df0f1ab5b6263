"""Volunteers: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

# cli_group=None: its commands keep top-level names (`flask --app webapp.app import-volunteers`).
bp = Blueprint("volunteers", __name__, url_prefix="/volunteers", cli_group=None)

# The view modules register their routes on bp when imported.
from webapp.blueprints.volunteers import commands  # noqa: E402
from webapp.blueprints.volunteers.views import (  # noqa: E402, F401
    availability,
    common,
    imports,
    profiles,
    teams,
    vetting,
)

bp.cli.add_command(commands.import_volunteers)
