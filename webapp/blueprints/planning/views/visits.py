"""Home-visit plans (暑期家访): publishing, the route sheets, and recording a visit made.

Route sheets are read by coordinators and by the two visitors of each pair; to anyone else a
pair's sheet does not exist (404).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.blueprints.planning import plans, visit_routes, visits_publishing
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import refused
from webapp.blueprints.planning.views.review import _flash_told
from webapp.inputs import parse_date, parse_id
from webapp.labels import join_list
from webapp.models.accounts import ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER
from webapp.security import role_required

ANYONE_SIGNED_IN = (ADMIN, COORDINATOR, HOME_MANAGER, VOLUNTEER)


def publish_page(plan):
    """GET: who will be told, who must be called, households left out, what breaks a rule;
    POST: publish (refused with the reasons while a rule is broken)."""
    if request.method == "GET":
        if not plan.is_proposed:
            return refused(
                PlanningError(
                    _(
                        "Only a proposed plan can be published; this one is %(state)s.",
                        state=plans.plan_state_label(plan.state),
                    ),
                    409,
                )
            )
        return render_template(
            "planning/visits_publish.html",
            plan=plan,
            programme=plan.programme,
            preview=visits_publishing.preview(plan),
        )
    try:
        _plan, told = visits_publishing.publish(
            plan, current_user, visits_publishing.route_problems(plan)
        )
    except PlanningError as error:
        return refused(error)
    flash(_("Published: the visitors have their routes."), "success")
    n = len(told.told)
    _flash_told(
        ngettext("%(num)s visitor was told.", "%(num)s visitors were told.", n) if n else "",
        told,
    )
    return redirect(url_for("planning.routes", plan_id=plan.id))


def _readable_days(plan):
    """The pair days the current user may read (all for coordinators, else their own)."""
    if visit_routes.sees_every_route(current_user):
        return visit_routes.pair_days(plan)
    me = visit_routes.viewer_volunteer_id(current_user)
    if me is None or plan.state != "published":
        return []
    return visit_routes.pair_days(plan, me)


@bp.get("/plans/<int:plan_id>/routes")
@role_required(*ANYONE_SIGNED_IN)
def routes(plan_id: int):
    """Every pair's days (a visitor: their own), or with ?pair=a-b&day=… one printable sheet."""
    plan = plans.plan_or_404(plan_id)
    if plan.programme.kind != "home_visits":
        abort(404)
    if request.args.get("pair") or request.args.get("day"):
        return _sheet(plan)
    days = _readable_days(plan)
    if not days and not visit_routes.sees_every_route(current_user):
        abort(404)
    staff = visit_routes.sees_every_route(current_user)
    return render_template(
        "planning/visit_routes.html",
        plan=plan,
        programme=plan.programme,
        days=days,
        call_list=visits_publishing.call_list(plan) if staff else [],
    )


def _sheet(plan):
    pair = visit_routes.parse_pair(request.args.get("pair"))
    day = parse_date(request.args.get("day"))
    if pair is None or day is None or not visit_routes.may_read(plan, pair, current_user):
        abort(404)
    route = visit_routes.route_or_none(plan, pair, day)
    if route is None:
        abort(404)
    return render_template(
        "planning/route_sheet.html",
        plan=plan,
        programme=plan.programme,
        route=route,
        visited=visit_routes.visited_on(plan, route.stops),
        guardians=visit_routes.guardians,
        children_text=lambda household: join_list(
            visit_routes.child_label(c, current_user)
            for c in household.children
            if c.erased_at is None
        ),
        may_record=plan.is_published,
    )


@bp.post("/plans/<int:plan_id>/routes/visited")
@role_required(*ANYONE_SIGNED_IN)
def visit_made(plan_id: int):
    """Record the visit to one household of the sheet (its date defaults to the planned day)."""
    plan = plans.plan_or_404(plan_id)
    household_id = parse_id(request.form.get("household_id"))
    happened_on = parse_date(request.form.get("happened_on"))
    if household_id is None:
        abort(404)
    try:
        logs = visit_routes.record_visit(plan, household_id, happened_on, current_user)
    except PlanningError as error:
        if error.status == 404:
            abort(404)
        return refused(error)
    flash(
        ngettext(
            "Visit recorded for %(num)s child.", "Visit recorded for %(num)s children.", len(logs)
        ),
        "success",
    )
    pair, day = (
        visit_routes.parse_pair(request.form.get("pair")),
        parse_date(request.form.get("day")),
    )
    if pair is not None and day is not None:
        return redirect(
            url_for("planning.routes", plan_id=plan.id, pair=visit_routes.pair_key(pair), day=day)
        )
    return redirect(url_for("planning.routes", plan_id=plan.id))
