"""Opening hours and closures."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.blueprints.homes import opening_hours, services
from webapp.blueprints.homes.booking import BookingError
from webapp.blueprints.homes.forms import (
    ClosureForm,
    OpeningHoursForm,
)
from webapp.blueprints.homes.views import STAFF, bp
from webapp.blueprints.homes.views.common import home_or_404, minutes_of
from webapp.htmx import hx_redirect, render_page_or_partial
from webapp.models import Home
from webapp.security import role_required


@bp.route("/<int:home_id>/hours", methods=["GET", "POST"])
@role_required(*STAFF)
def hours(home_id: int):
    home = home_or_404(home_id)
    form = OpeningHoursForm()
    status = 200
    if form.validate_on_submit():
        try:
            opening_hours.add_opening_hours(
                home,
                form.weekdays.data or [],
                minutes_of(form.start.data),
                minutes_of(form.end.data),
                form.valid_from.data,
                form.valid_to.data,
                form.label.data or "",
            )
        except BookingError as error:
            getattr(form, error.field or "start").errors.append(error.message)
            status = error.status
        else:
            flash(_("Opening hours saved."), "success")
            return hx_redirect(url_for("homes.hours", home_id=home.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "homes/hours.html", home=home, form=form, timetables=opening_hours.timetables(home)
    ), status


@bp.route("/<int:home_id>/hours/<int:row_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def delete_hours(home_id: int, row_id: int):
    """GET: which hours go, to confirm (one tap must not delete a weekday); POST: remove."""
    home = home_or_404(home_id)
    if request.method == "GET":
        row = opening_hours.opening_hours_row(home, row_id)
        return render_template("homes/confirm_delete_hours.html", home=home, row=row)
    opening_hours.delete_opening_hours(home, row_id)
    flash(_("Opening hours removed."), "success")
    return hx_redirect(url_for("homes.hours", home_id=home.id))


def _closure_form(home: Home) -> ClosureForm:
    form = ClosureForm()
    form.room_id.choices = [SelectChoice("", _("Whole home"))] + [
        SelectChoice(str(r.id), r.name) for r in home.rooms
    ]
    return form


@bp.route("/<int:home_id>/closures", methods=["GET", "POST"])
@role_required(*STAFF)
def closures(home_id: int):
    home = home_or_404(home_id)
    form = _closure_form(home)
    affected, status = [], 200
    if form.validate_on_submit():
        try:
            _closure, cancelled = services.add_closure(
                home,
                current_user,
                form.starts_on.data,
                form.ends_on.data,
                form.reason.data,
                room_id=int(form.room_id.data) if form.room_id.data else None,
                cancel_affected=request.form.get("cancel_affected") == "1",
            )
        except services.AffectsBookings as asked:
            affected, status = asked.occurrences, 409
        except BookingError as error:
            getattr(form, error.field or "starts_on").errors.append(error.message)
            status = error.status
        else:
            flash(
                _("Closure added.")
                + (
                    " "
                    + _(
                        "%(count)s bookings cancelled; their organisers will be told.",
                        count=len(cancelled),
                    )
                    if cancelled
                    else ""
                ),
                "success",
            )
            return hx_redirect(url_for("homes.closures", home_id=home.id))
    elif request.method == "POST":
        status = 422
    return render_page_or_partial(
        "homes/closures.html",
        "homes/_closure_form.html",
        status,
        home=home,
        form=form,
        affected=affected,
    )


@bp.route("/<int:home_id>/closures/<int:closure_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def delete_closure(home_id: int, closure_id: int):
    """GET: ask first; POST: remove the closure (the rooms can be booked on its dates again)."""
    home = home_or_404(home_id)
    if request.method == "GET":
        closure = services.closure_row(home, closure_id)
        return render_template(
            "_confirm.html",
            heading=_("Remove the closure %(reason)s?", reason=closure.reason),
            text=_(
                "%(first)s to %(last)s: the rooms can be booked on these dates again.",
                first=closure.starts_on.isoformat(),
                last=closure.ends_on.isoformat(),
            ),
            action=url_for("homes.delete_closure", home_id=home.id, closure_id=closure.id),
            button=_("Remove"),
            back=url_for("homes.closures", home_id=home.id),
        )
    services.delete_closure(home, closure_id)
    flash(_("Closure removed."), "success")
    return hx_redirect(url_for("homes.closures", home_id=home.id))
