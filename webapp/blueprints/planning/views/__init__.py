"""Planning: thin views, one module per sub-feature. Services hold the rules; the request
commits once (see app.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/planning")

# The view modules register their routes on bp when imported.
from webapp.blueprints.planning.views import (  # noqa: E402, F401
    common,
    exports,
    posts,
    programmes,
    review,
    runs,
)
