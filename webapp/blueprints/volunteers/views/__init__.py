"""Volunteers: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")

# The view modules register their routes on bp when imported.
from webapp.blueprints.volunteers.views import (  # noqa: E402, F401
    availability,
    common,
    imports,
    pairings,
    profiles,
    teams,
    vetting,
)
