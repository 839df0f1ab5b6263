"""Week, month and list views of a home's bookings."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from webapp.blueprints.homes import calendar, call_rota, services
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import day_arg, home_or_404
from webapp.htmx import render_page_or_partial
from webapp.models import Home
from webapp.security import role_required


@bp.get("/<int:home_id>/week")
@role_required(*STAFF)
def week(home_id: int):
    # The week reads the home's opening hours: loaded with the home (a dozen rows).
    home = home_or_404(home_id, joinedload(Home.opening_hours))
    view = calendar.week(home, day_arg(home))
    # The roster of every home the manager runs; someone who sees every home gets this one's.
    one = {"home": home.id} if services.sees_all_homes(current_user) else {}
    roster_url = url_for("homes.roster", date=view.start.isoformat(), **one)
    # The published video-call rota's calls, in the hour cells of their room.
    calls = call_rota.calls_by_hour(call_rota.week_calls(home, view.start, with_reasons=False))
    return render_page_or_partial(
        "homes/week.html",
        "homes/_week.html",
        home=home,
        view=view,
        roster_url=roster_url,
        calls=calls,
    )


@bp.get("/<int:home_id>/month")
@role_required(*STAFF)
def month(home_id: int):
    home = home_or_404(home_id)
    view = calendar.month(home, day_arg(home))
    return render_page_or_partial("homes/month.html", "homes/_month.html", home=home, view=view)


@bp.get("/<int:home_id>/list")
@role_required(*STAFF)
def agenda(home_id: int):
    home = home_or_404(home_id)
    first = day_arg(home)
    return render_page_or_partial(
        "homes/list.html",
        "homes/_list.html",
        home=home,
        first=first,
        days=calendar.agenda(home, first),
    )
