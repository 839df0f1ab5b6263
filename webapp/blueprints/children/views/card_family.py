"""The card's family part, kept by staff: the weekly times the video-call rota reads (parents'
free times, the school timetable) and the household the child lives in. htmx gets the section
alone; a plain form post (no JavaScript) is sent back to the card, or gets the whole card with
the reasons (422)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import login_required

from webapp.blueprints.children import access, households, weekly_times
from webapp.blueprints.children.forms import (
    HouseholdForm,
    WeeklyTimeForm,
    family_forms,
    household_choice_form,
)
from webapp.blueprints.children.views import bp
from webapp.blueprints.children.views.card import _render, _staff_child
from webapp.blueprints.volunteers.services import RuleError
from webapp.fields import form_error
from webapp.htmx import hx_redirect, is_fragment_request


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


def _times_response(child, form, status=200):
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("children.card_page", child_id=child.id) + "#times")
        access.log_access(child, "view", "card")
        return _render(child, times_form=form, status=status)
    return render_template(
        "children/_weekly_times.html",
        child=child,
        times=weekly_times.times_of(child),
        times_form=form,
    ), status


@bp.post("/<int:child_id>/times")
@login_required
def time_add(child_id: int):
    child = _staff_child(child_id)
    form = WeeklyTimeForm(prefix="time")
    if form.validate_on_submit():
        try:
            weekly_times.add_time(
                child,
                form.kind.data,
                form.weekday.data,
                _minutes(form.start.data),
                # 00:00 as the end is midnight, the end of the day.
                _minutes(form.end.data) or weekly_times.DAY_MINUTES,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            return _times_response(child, WeeklyTimeForm(formdata=None, prefix="time"))
    return _times_response(child, form, 422)


@bp.post("/<int:child_id>/times/<int:time_id>/delete")
@login_required
def time_remove(child_id: int, time_id: int):
    child = _staff_child(child_id)
    weekly_times.remove_time(child, time_id)
    return _times_response(child, WeeklyTimeForm(formdata=None, prefix="time"))


def _household_response(child, status=200, **forms):
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("children.card_page", child_id=child.id) + "#household")
        access.log_access(child, "view", "card")
        return _render(child, status=status, **forms)
    choices = households.household_choices(child)
    return render_template(
        "children/_household.html",
        child=child,
        siblings=households.siblings_of(child),
        **{**family_forms(child, choices), **forms},
    ), status


@bp.post("/<int:child_id>/household")
@login_required
def household_set(child_id: int):
    child = _staff_child(child_id)
    form = household_choice_form(child, households.household_choices(child), request.form)
    if form.validate_on_submit():
        try:
            households.choose_household(child, form.household_id.data or None)
        except RuleError as error:
            form_error(form, error)
        else:
            return _household_response(child)
    return _household_response(child, 422, choice_form=form)


@bp.post("/<int:child_id>/household/new")
@login_required
def household_new(child_id: int):
    child = _staff_child(child_id)
    form = HouseholdForm(prefix="household")
    if form.validate_on_submit():
        try:
            households.create_household(
                child, form.label.data, form.village.data or "", form.lat.data, form.lon.data
            )
        except RuleError as error:
            form_error(form, error)
        else:
            return _household_response(child)
    return _household_response(child, 422, household_form=form)
