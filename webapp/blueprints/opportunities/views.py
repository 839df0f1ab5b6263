"""Thin views: parse, authorise, call the services, render. The request commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.homes.services import home_for
from webapp.blueprints.opportunities import services, signups, waitlists
from webapp.blueprints.opportunities.signups import SignupError
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.posts import set_need_signup
from webapp.blueprints.volunteers.services import profile_of
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.htmx import render_page_or_partial
from webapp.models import Need
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.security import role_required, safe_next_url

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")


@bp.record_once
def _hear_other_features(state) -> None:
    """Connect this blueprint's receivers of webapp/core/signals.py when it joins an app."""
    waitlists.connect_receivers()


def _list_page(status: int = 200, error: SignupError | None = None):
    filters = services.Filters.from_args(request.args)
    volunteer = profile_of(current_user)
    homes, skills = services.filter_choices(volunteer)
    can, cannot = services.opportunities(volunteer, filters)
    return render_page_or_partial(
        "opportunities/index.html",
        "opportunities/_list.html",
        status,
        volunteer=volunteer,
        can=can,
        cannot=cannot,
        filters=filters,
        homes=homes,
        skills=skills,
        error=error,
        cutoff_hours=signups.cutoff_hours(),
    )


@bp.get("/")
@role_required(VOLUNTEER, COORDINATOR, ADMIN)
def index():
    return _list_page()


def _check_self(volunteer) -> None:
    """The sign-up is always for the person logged in: naming anyone else is not found."""
    named = request.form.get("volunteer_id", "").strip()
    if volunteer is None:
        abort(404, description=_("You have no volunteer profile to sign up with."))
    if named and named != str(volunteer.id):
        abort(404)


def _after_signup(result: signups.SignupResult):
    signups.tell_signed_up(result)
    if result.waitlisted:
        flash(
            _(
                "It is full: you are on the waitlist (number %(position)s). We will tell you when a place is free.",
                position=result.position,
            ),
            "warning",
        )
    else:
        flash(_("You are signed up. It is in your schedule."), "success")
    return redirect(url_for("opportunities.index", **request.args), code=303)


def _sign_up(act):
    """Sign the logged-in volunteer up with act(volunteer); a refusal re-renders the list."""
    volunteer = profile_of(current_user)
    _check_self(volunteer)
    try:
        result = act(volunteer)
    except SignupError as error:
        if error.status == 404:
            abort(404, description=error.message)
        db.session.rollback()
        return _list_page(error.status, error)
    return _after_signup(result)


@bp.post("/needs/<int:need_id>/<int:occurrence_id>/signup")
@role_required(VOLUNTEER)
def sign_up_need(need_id: int, occurrence_id: int):
    def act(volunteer):
        need, occurrence = signups.open_need_on(need_id, occurrence_id)
        return signups.sign_up_for_need(volunteer, need, occurrence)

    return _sign_up(act)


@bp.post("/posts/<int:post_id>/signup")
@role_required(VOLUNTEER)
def sign_up_post(post_id: int):
    return _sign_up(
        lambda volunteer: signups.sign_up_for_post(volunteer, signups.open_post(post_id))
    )


# --- opening for sign-up ----------------------------------------------------------------------


def _opened(need: Need):
    """Open (open=1) or close a need for sign-up, say so, and go back where the form was."""
    is_open = request.form.get("open") == "1"
    try:
        set_need_signup(need, is_open)
    except PlanningError as error:
        abort(error.status, description=error.message)
    flash(
        _("Volunteers can now sign up for it.")
        if is_open
        else _("Closed for sign-up; those already signed up stay."),
        "success",
    )
    target_url = safe_next_url(request.form.get("next")) or url_for("opportunities.index")
    return redirect(target_url, code=303)


@bp.post("/needs/<int:need_id>/open")
@role_required(ADMIN, COORDINATOR, HOME_MANAGER)
def open_need(need_id: int):
    need = get_or_404(Need, need_id)
    home_for(current_user, need.event.home_id)  # 404 for a home the user does not run
    return _opened(need)
