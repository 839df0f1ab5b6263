"""The child's card (一人一卡一策): the card, its care-plan goals, recording a contact from it,
and the admin's access log (who looked at a child, when)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.blueprints.children import access, card, contacts
from webapp.blueprints.children.forms import CareLogForm, GoalForm, family_forms
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.lookup import get_or_404
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.inputs import parse_id
from webapp.models.accounts import ADMIN
from webapp.models.child_care import CareGoal
from webapp.security import role_required


def _render(child, *, log_form=None, goal_form=None, status=200, **forms):
    """The whole card; `forms` (times_form, choice_form, household_form) carry a refused
    form of the video-call times or the household back to it."""
    if log_form is None:
        log_form = CareLogForm(formdata=None)
        log_form.happened_on.data = clock.today()
    view = card.card_view(child, current_user)
    return render_template(
        "children/card.html",
        view=view,
        child=child,
        log_form=log_form,
        goal_form=goal_form or GoalForm(formdata=None),
        today=clock.today(),
        **{**family_forms(child, view.household_choices), **forms},
    ), status


@bp.get("/<int:child_id>")
@login_required
def card_page(child_id: int):
    child = access.visible_child(child_id, current_user)
    contacts.record_held_calls(child=child)
    access.log_access(child, "view", "card")
    return _render(child)


@bp.post("/<int:child_id>/contacts")
@login_required
def card_contact(child_id: int):
    child = access.visible_child(child_id, current_user)
    form = CareLogForm()
    if form.validate_on_submit():
        try:
            duty = card.duty_of(child, parse_id(request.form.get("duty_id")))
            contacts.record_contact(
                child,
                kind=form.kind.data,
                happened_on=form.happened_on.data,
                note=form.note.data or "",
                author=current_user,
                volunteer=access.carer_profile(current_user, child),
                duty=duty,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Contact recorded."), "success")
            return hx_redirect(url_for("children.card_page", child_id=child.id))
    access.log_access(child, "view", "card")
    return _render(child, log_form=form, status=422)


def _staff_child(child_id: int):
    child = access.visible_child(child_id, current_user)
    if not access.is_staff_of(child, current_user):
        abort(403)
    return child


@bp.post("/<int:child_id>/goals")
@login_required
def goal_new(child_id: int):
    child = _staff_child(child_id)
    return _save_goal(child, None)


@bp.post("/<int:child_id>/goals/<int:goal_id>")
@login_required
def goal_edit(child_id: int, goal_id: int):
    child = _staff_child(child_id)
    goal = get_or_404(CareGoal, goal_id, belongs=lambda g: g.child_id == child.id)
    return _save_goal(child, goal)


def _save_goal(child, goal):
    form = GoalForm()
    if form.validate_on_submit():
        try:
            card.save_goal(child, goal, form.data, current_user)
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Care plan saved."), "success")
            return hx_redirect(url_for("children.card_page", child_id=child.id) + "#plan")
    return _render(child, goal_form=form, status=422)


@bp.get("/access")
@role_required(ADMIN)
def access_log():
    """Who looked at a child's card, changed, exported or erased it, and when."""
    child_id = parse_id(request.args.get("child_id"))
    return render_template(
        "children/access_log.html",
        entries=access.access_entries(child_id),
        child_id=child_id,
    )
