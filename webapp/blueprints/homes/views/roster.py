"""The printable week roster: who comes to every session of the user's homes in one week."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask_login import current_user

from webapp import clock
from webapp.blueprints.homes import calendar, services
from webapp.blueprints.homes import roster as rosters
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import home_or_404
from webapp.inputs import date_arg, parse_id
from webapp.security import role_required


@bp.get("/roster")
@role_required(*STAFF)
def roster():
    """A manager's homes (or, with ?home=, one of them; a coordinator's: one home or all)."""
    home_id = parse_id(request.args.get("home"))
    homes = [home_or_404(home_id)] if home_id else services.visible_homes(current_user)
    monday = calendar.week_start(date_arg("date", default=clock.today()))
    return render_template(
        "homes/roster.html",
        weeks=rosters.week(homes, monday),
        monday=monday,
        one_week=timedelta(weeks=1),
        six_days=timedelta(days=6),
        home_arg=home_id,
        back_home=homes[0] if len(homes) == 1 else None,
        printed=clock.now().strftime("%Y-%m-%d %H:%M"),
    )
