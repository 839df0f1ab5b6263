"""The manager's printable week list of the video-call rota, and a call marked held or not."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.blueprints.homes import calendar
from webapp.blueprints.homes import call_rota as rota
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import home_or_404
from webapp.blueprints.volunteers.services import RuleError
from webapp.inputs import date_arg, parse_date, parse_id
from webapp.security import role_required


@bp.get("/<int:home_id>/video-calls")
@role_required(*STAFF)
def video_calls(home_id: int):
    home = home_or_404(home_id)
    monday = calendar.week_start(date_arg("week", default=clock.today()))
    calls = rota.week_calls(home, monday)
    return render_template(
        "homes/video_calls.html",
        home=home,
        monday=monday,
        days=[monday + timedelta(days=n) for n in range(7)],
        calls=calls,
        rows={c.key: rota.list_rows(c, current_user) for c in calls},
        one_week=timedelta(weeks=1),
        today=clock.today(),
        reasons=[(code, rota.not_held_label(code)) for code in rota.NOT_HELD_REASONS],
        reason_label=rota.not_held_label,
        printed=clock.now().strftime("%Y-%m-%d %H:%M"),
    )


@bp.post("/<int:home_id>/video-calls/held")
@role_required(*STAFF)
def video_call_held(home_id: int):
    """Held: a video-call contact for each child of the call; not held: the reason."""
    home = home_or_404(home_id)
    day = parse_date(request.form.get("date"))
    room_id = parse_id(request.form.get("room_id"))
    start = parse_id(request.form.get("start"))
    if day is None or room_id is None or start is None:
        abort(400)
    held = request.form.get("held", "yes") != "no"
    try:
        if held:
            rota.mark_held(home, day, room_id, start, current_user)
            flash(_("Recorded: the call was held."), "success")
        else:
            rota.mark_not_held(
                home, day, room_id, start, request.form.get("reason", "other"), current_user
            )
            flash(_("Recorded: the call was not held."), "success")
    except RuleError as error:
        flash(error.message, "error")
    monday = calendar.week_start(day)
    return redirect(
        url_for("homes.video_calls", home_id=home.id, week=monday.isoformat()) + f"#call-{day}"
    )
