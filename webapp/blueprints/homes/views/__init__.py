"""Homes: thin views, one module per sub-feature. Services hold the rules; the request commits
once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER

bp = Blueprint("homes", __name__, url_prefix="/homes")
STAFF = (ADMIN, COORDINATOR, HOME_MANAGER)

# The view modules register their routes on bp when imported.
from webapp.blueprints.homes.views import (  # noqa: E402, F401
    bookings,
    calendar,
    call_rota,
    common,
    homes,
    hours,
    roster,
)
