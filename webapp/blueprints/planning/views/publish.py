"""Publishing and discarding a proposal, each behind a page that says what it will do."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.blueprints.planning import checking, plans, publishing
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp, calls
from webapp.blueprints.planning.views import visits as visits_views
from webapp.blueprints.planning.views.common import refused
from webapp.blueprints.planning.views.review import _back, _flash_told
from webapp.htmx import hx_redirect
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


def _proposed(plan) -> None:
    if plan.state != "proposed":
        raise PlanningError(
            _(
                "Only a proposed plan can be published; this one is %(state)s.",
                state=plans.plan_state_label(plan.state),
            ),
            409,
        )


@bp.route("/plans/<int:plan_id>/publish", methods=["GET", "POST"])
@role_required(COORDINATOR)
def publish(plan_id: int):
    """GET: who will be told, what breaks a rule, what stays short; POST: publish (refused
    with the reasons while a hard rule is broken, however the request comes)."""
    plan = plans.plan_or_404(plan_id)
    if plan.programme.kind == "video_calls":
        return calls.publish_page(plan)
    if plan.programme.kind == "home_visits":
        return visits_views.publish_page(plan)
    if request.method == "GET":
        try:
            _proposed(plan)
        except PlanningError as error:
            return refused(error)
        preview = checking.preview(plan, svc.published_plan(plan.programme_id))
        return render_template(
            "planning/publish.html", plan=plan, programme=plan.programme, preview=preview
        )
    try:
        _plan, told, _diff = publishing.publish(plan, current_user)
    except PlanningError as error:
        return refused(error)
    flash(_("Published: the assignments are confirmed."), "success")
    n = len(told.told)
    _flash_told(
        ngettext("%(num)s volunteer was told.", "%(num)s volunteers were told.", n) if n else "",
        told,
    )
    return _back(plan)


@bp.route("/plans/<int:plan_id>/discard", methods=["GET", "POST"])
@role_required(COORDINATOR)
def discard(plan_id: int):
    """GET: confirm; POST: the proposal is set aside (nobody is told; pins go with it)."""
    plan = plans.plan_or_404(plan_id)
    if request.method == "GET":
        return render_template("planning/confirm_discard.html", plan=plan, programme=plan.programme)
    try:
        publishing.discard(plan, current_user)
    except PlanningError as error:
        return refused(error)
    flash(_("Proposal discarded."), "success")
    return hx_redirect(url_for("planning.programme", programme_id=plan.programme_id))
