"""Publishing a family video-call rota: a page that says what publishing will book and whom it
tells, and the POST that does it (refused with the reasons while a rule is broken)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.blueprints.planning import calls_publishing, plans
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import refused
from webapp.htmx import hx_redirect
from webapp.labels import join_list
from webapp.models import Plan
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.route("/plans/<int:plan_id>/calls-publish", methods=["GET", "POST"])
@role_required(COORDINATOR)
def calls_publish(plan_id: int):
    plan = plans.plan_or_404(plan_id)
    if plan.programme.kind != "video_calls":
        return refused(PlanningError(_("This plan is not a video-call rota."), 404))
    return publish_page(plan)


def publish_page(plan: Plan):
    """GET: the bookings, the parents told and not, the families without a slot; POST: publish."""
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
    problems = calls_publishing.rota_problems(plan)
    if request.method == "GET":
        preview = calls_publishing.preview(plan, problems)
        return render_template(
            "planning/calls_publish.html", plan=plan, programme=plan.programme, preview=preview
        )
    try:
        done = calls_publishing.publish(plan, current_user, problems)
    except PlanningError as error:
        return refused(error)
    flash(_("Published: the video-call rooms are booked every week."), "success")
    if done.told:
        n = len(done.told)
        flash(ngettext("%(num)s family was told.", "%(num)s families were told.", n), "success")
    if done.not_told:
        names = [c.pseudonym for f in done.not_told for c in f.children]
        flash(
            _(
                "No SMS reached the parents of %(names)s. The home's manager tells them.",
                names=join_list(names),
            ),
            "warning",
        )
    return hx_redirect(url_for("planning.plan", plan_id=plan.id))
