"""Surrogate-parent pairing: children, pairings and their care logs."""

from __future__ import annotations

import json

from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp import clock
from webapp.blueprints.volunteers import children, pairing, services
from webapp.blueprints.volunteers.forms import (
    CareLogForm,
    ChildForm,
    PairingForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.blueprints.volunteers.views import bp
from webapp.blueprints.volunteers.views.common import form_error
from webapp.extensions import db
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.inputs import parse_id
from webapp.models import Home, Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.get("/pairings")
@role_required(COORDINATOR)
def pairings():
    statuses = pairing.duty_statuses()
    return render_template(
        "volunteers/pairings.html",
        statuses=statuses,
        overdue=[s for s in statuses if s.overdue],
        children=pairing.list_children(),
        today=clock.today(),
    )


def _child_form(child=None) -> ChildForm:
    form = ChildForm(obj=child)
    homes = db.session.scalars(select(Home).order_by(*Home.by_name()))
    form.home_id.choices = [(h.id, h.name) for h in homes]
    return form


def _save_child_view(child):
    form = _child_form(child)
    if form.validate_on_submit():
        try:
            child = pairing.save_child(
                child,
                pseudonym=form.pseudonym.data,
                age_band=form.age_band.data,
                home_id=form.home_id.data,
                guardian_consent=form.guardian_consent.data,
                consent_on=form.consent_on.data,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Child record saved."), "success")
            return hx_redirect(url_for("volunteers.pairings"))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/child_form.html", form=form, child=child), status


@bp.route("/children/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def child_new():
    return _save_child_view(None)


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@role_required(COORDINATOR)
def child_edit(child_id: int):
    child = pairing.get_child(child_id)
    if request.method == "GET":
        children.record_reading(child, via="record")
    return _save_child_view(child)


@bp.get("/children/<int:child_id>/export.json")
@role_required(COORDINATOR)
def child_export(child_id: int):
    data = children.export(pairing.get_child(child_id))
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="child-{child_id}.json"'},
    )


@bp.post("/children/<int:child_id>/erase")
@role_required(COORDINATOR)
def child_erase(child_id: int):
    child = pairing.get_child(child_id)
    if request.form.get("confirm") != "erase":
        abort(
            422,
            description=_("Tick the box to confirm that this child's data is to be erased."),
        )
    children.erase(child)
    flash(_("The child's data was erased; the counts for reports stay."), "success")
    return hx_redirect(url_for("volunteers.pairings"))


@bp.route("/pairings/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def pairing_new():
    form = PairingForm()
    volunteers = pairing.pairable_volunteers()
    children = [c for c in pairing.list_children() if c.active_pairing is None]
    form.volunteer_id.choices = [
        (v.id, f"{v.name} ({v.phone or v.email or ''})") for v in volunteers
    ]
    form.child_id.choices = [(c.id, f"{c.pseudonym} · {c.home.name}") for c in children]
    if request.method == "GET" and (child_id := parse_id(request.args.get("child_id"))):
        form.child_id.data = child_id
    if form.validate_on_submit():
        volunteer = db.session.get(Volunteer, form.volunteer_id.data) or abort(404)
        child = pairing.get_child(form.child_id.data)
        try:
            created = pairing.pair(
                volunteer,
                child,
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
            return hx_redirect(url_for("volunteers.pairing_detail", pairing_id=created.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/pairing_form.html", form=form), status


def _log_form() -> CareLogForm:
    form = CareLogForm(formdata=None)
    form.happened_on.data = clock.today()
    return form


@bp.get("/pairings/<int:pairing_id>")
@login_required
def pairing_detail(pairing_id: int):
    found = pairing.visible_pairing(pairing_id, current_user)
    children.record_reading(found.child, via="pairing", pairing_id=found.id)
    return render_template(
        "volunteers/pairing_detail.html",
        pairing=found,
        log_form=_log_form(),
        is_coordinator=services.is_coordinator(current_user),
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
            return hx_redirect(url_for("volunteers.pairing_detail", pairing_id=found.id))
        return render_template(
            "volunteers/pairing_detail.html",
            pairing=found,
            log_form=form,
            is_coordinator=services.is_coordinator(current_user),
        ), status
    return render_template("volunteers/_care_log.html", pairing=found, log_form=form), status


@bp.post("/pairings/<int:pairing_id>/end")
@role_required(COORDINATOR)
def pairing_end(pairing_id: int):
    found = pairing.visible_pairing(pairing_id, current_user)
    pairing.end_pairing(found)
    flash(_("The pairing has ended."), "success")
    return hx_redirect(url_for("volunteers.pairing_detail", pairing_id=found.id))
