from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import readiness
from webapp.blueprints.main.services import dashboard_figures
from webapp.errors import RETRY_AFTER_SECONDS as RETRY_AFTER

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("main/dashboard.html", figures=dashboard_figures(current_user))


@bp.get("/favicon.ico")
def favicon():
    """For clients that ask for /favicon.ico without reading the page's icon link."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz():
    """The process is alive; the database is not asked (see /readyz)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers and every migration is applied."""
    reason = readiness.problem()
    if reason is None:
        return {"status": "ready"}
    return {"status": "unavailable", "reason": reason}, 503, {"Retry-After": str(RETRY_AFTER)}
