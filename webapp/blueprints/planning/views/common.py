"""Helpers shared by the planning views: refusals with their reasons, and template globals."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from webapp.blueprints.planning import explaining, plans
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.views import bp
from webapp.htmx import is_fragment_request, make_response
from webapp.labels import (
    ENGINE_STATUS_LABELS,
    PROGRAMME_KIND_LABELS,
    PROGRAMME_STATE_LABELS,
    RUN_KIND_LABELS,
    RUN_STATUS_LABELS,
    label_of,
)


def refused(error: PlanningError, page: str | None = None, **context):
    """A refusal with its reason (and details): for htmx, a fragment in the page's message
    area; otherwise the page again (forms) or a page of its own."""
    if is_fragment_request():
        return make_response(
            render_template("planning/_refused.html", error=error),
            error.status,
            retarget="#messages",
            reswap="innerHTML show:top",
        )
    if page is not None:
        return render_template(page, error=error, **context), error.status
    return render_template("planning/refused.html", error=error), error.status


def signup_switched(open_: bool) -> None:
    """Say what the sign-up switch means, after it was flipped (for a need or a post)."""
    if open_:
        flash(
            _("Open for sign-up: volunteers fill it themselves; the solver leaves it out."),
            "success",
        )
    else:
        flash(_("Closed for sign-up: the solver plans it again."), "success")


def locale() -> str:
    return str(get_locale())


@bp.app_template_global()
def programme_kind_label(kind: str) -> str:
    return label_of(PROGRAMME_KIND_LABELS, kind)


@bp.app_template_global()
def programme_state_label(state: str) -> str:
    return label_of(PROGRAMME_STATE_LABELS, state)


@bp.app_template_global()
def plan_state_label(state: str) -> str:
    return plans.plan_state_label(state)


@bp.app_template_global()
def term_label(name: str) -> str:
    return explaining.term_label(name)


@bp.app_template_global()
def to_local(moment) -> str:
    """A stored UTC time as China time, to the minute."""
    from webapp.clock import to_china

    return to_china(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.app_template_global()
def engine_status_label(status: str | None) -> str:
    return label_of(ENGINE_STATUS_LABELS, status)


@bp.app_template_global()
def run_status_label(status: str) -> str:
    return label_of(RUN_STATUS_LABELS, status)


@bp.app_template_global()
def run_kind_label(kind: str) -> str:
    return label_of(RUN_KIND_LABELS, kind)


@bp.app_template_global()
def now_utc():
    from webapp.clock import utcnow

    return utcnow()
