"""Weekly availability and date ranges of a volunteer."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from webapp.blueprints.volunteers import availability, services
from webapp.blueprints.volunteers.forms import (
    DateRangeForm,
    WeeklySlotForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.blueprints.volunteers.views import bp
from webapp.blueprints.volunteers.views.profiles import detail_page
from webapp.fields import form_error
from webapp.htmx import hx_redirect, is_fragment_request


def _weekly_response(volunteer, form, status=200):
    """htmx gets the grid alone; a plain form post (no JavaScript) the whole page."""
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
        return detail_page(volunteer, slot_form=form, status=status)
    return render_template(
        "volunteers/_weekly.html",
        volunteer=volunteer,
        grid=availability.weekly_grid(volunteer),
        slot_form=form,
    ), status


@bp.post("/<int:volunteer_id>/weekly")
@login_required
def add_weekly(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    form = WeeklySlotForm()
    if form.validate_on_submit():
        start = form.start.data.hour * 60 + form.start.data.minute
        end = form.end.data.hour * 60 + form.end.data.minute
        try:
            availability.add_weekly_slot(volunteer, form.weekday.data, start, end)
        except RuleError as error:
            form_error(form, error)
        else:
            return _weekly_response(volunteer, WeeklySlotForm(formdata=None))
    return _weekly_response(volunteer, form, 422)


@bp.post("/<int:volunteer_id>/weekly/<int:slot_id>/delete")
@login_required
def remove_weekly(volunteer_id: int, slot_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    availability.remove_weekly_slot(volunteer, slot_id)
    return _weekly_response(volunteer, WeeklySlotForm(formdata=None))


def _ranges_response(volunteer, form, status=200):
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
        return detail_page(volunteer, range_form=form, status=status)
    return render_template("volunteers/_ranges.html", volunteer=volunteer, range_form=form), status


@bp.post("/<int:volunteer_id>/ranges")
@login_required
def add_range(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    form = DateRangeForm()
    if form.validate_on_submit():
        try:
            availability.add_date_range(
                volunteer, form.kind.data, form.starts_on.data, form.ends_on.data
            )
        except RuleError as error:
            form_error(form, error)
        else:
            return _ranges_response(volunteer, DateRangeForm(formdata=None))
    return _ranges_response(volunteer, form, 422)


@bp.post("/<int:volunteer_id>/ranges/<int:range_id>/delete")
@login_required
def remove_range(volunteer_id: int, range_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    availability.remove_date_range(volunteer, range_id)
    return _ranges_response(volunteer, DateRangeForm(formdata=None))
