"""Pairing a surrogate parent with a child, the pairing's page, its care log, ending it."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.blueprints.children import pairing, privacy, services
from webapp.blueprints.children.forms import CareLogForm, PairingForm
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError, is_coordinator
from webapp.core.lookup import get_or_404
from webapp.fields import form_error
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.inputs import parse_id
from webapp.labels import kind_label
from webapp.models import Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.route("/pairings/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def pairing_new():
    form = PairingForm()
    volunteers = pairing.pairable_volunteers() + pairing.pairable_volunteers(role="teacher")
    children = services.list_children()
    form.volunteer_id.choices = [
        (v.id, f"{v.name} · {kind_label(v.kind)} ({v.phone or v.email or ''})") for v in volunteers
    ]
    form.child_id.choices = [(c.id, f"{c.pseudonym} · {c.home.name}") for c in children]
    if request.method == "GET" and (child_id := parse_id(request.args.get("child_id"))):
        form.child_id.data = child_id
    if form.validate_on_submit():
        volunteer = get_or_404(Volunteer, form.volunteer_id.data)
        child = services.get_child(form.child_id.data)
        try:
            created = pairing.pair(
                volunteer,
                child,
                role=form.role.data,
                started_on=form.started_on.data,
                weekly_talk=form.weekly_talk.data,
                monthly_visit=form.monthly_visit.data,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(
                _(
                    "Paired %(volunteer)s with %(child)s.",
                    volunteer=volunteer.name,
                    child=child.pseudonym,
                ),
                "success",
            )
            return hx_redirect(url_for("children.pairing_detail", pairing_id=created.id))
    status = 422 if form.is_submitted() else 200
    return render_template("children/pairing_form.html", form=form), status


def _log_form() -> CareLogForm:
    form = CareLogForm(formdata=None)
    form.happened_on.data = clock.today()
    return form


@bp.get("/pairings/<int:pairing_id>")
@login_required
def pairing_detail(pairing_id: int):
    found = pairing.visible_pairing(pairing_id, current_user)
    privacy.record_reading(found.child, via="pairing", pairing_id=found.id)
    return render_template(
        "children/pairing_detail.html",
        pairing=found,
        log_form=_log_form(),
        is_coordinator=is_coordinator(current_user),
    )


@bp.post("/pairings/<int:pairing_id>/logs")
@login_required
def pairing_log(pairing_id: int):
    found = pairing.visible_pairing(pairing_id, current_user)
    form = CareLogForm()
    status = 422
    if form.validate_on_submit():
        try:
            pairing.add_care_log(
                found,
                happened_on=form.happened_on.data,
                kind=form.kind.data,
                note=form.note.data or "",
                author=current_user,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            form, status = _log_form(), 200
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("children.pairing_detail", pairing_id=found.id))
        return render_template(
            "children/pairing_detail.html",
            pairing=found,
            log_form=form,
            is_coordinator=is_coordinator(current_user),
        ), status
    return render_template("children/_care_log.html", pairing=found, log_form=form), status


@bp.post("/pairings/<int:pairing_id>/end")
@role_required(COORDINATOR)
def pairing_end(pairing_id: int):
    found = pairing.visible_pairing(pairing_id, current_user)
    pairing.end_pairing(found)
    flash(_("The pairing has ended."), "success")
    return hx_redirect(url_for("children.pairing_detail", pairing_id=found.id))
