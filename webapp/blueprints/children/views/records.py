"""The children overview and the child record: new, edit, a copy of its data, erasure."""

from __future__ import annotations

import json

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from webapp import clock
from webapp.blueprints.children import pairing, privacy, services
from webapp.blueprints.children.forms import ChildForm
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.spreadsheets import attachment
from webapp.extensions import db
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.models import Home
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.get("/")
@role_required(COORDINATOR)
def index():
    """The children, their surrogate parents, and whose talks or visits are overdue."""
    statuses = pairing.duty_statuses()
    return render_template(
        "children/index.html",
        statuses=statuses,
        overdue=[s for s in statuses if s.overdue],
        children=services.list_children(),
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
            child = services.save_child(
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
            return hx_redirect(url_for("children.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("children/child_form.html", form=form, child=child), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def child_new():
    return _save_child_view(None)


@bp.route("/<int:child_id>/edit", methods=["GET", "POST"])
@role_required(COORDINATOR)
def child_edit(child_id: int):
    child = services.get_child(child_id)
    if request.method == "GET":
        privacy.record_reading(child, via="record")
    return _save_child_view(child)


@bp.get("/<int:child_id>/export.json")
@role_required(COORDINATOR)
def child_export(child_id: int):
    data = privacy.export(services.get_child(child_id))
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment(body, "application/json", f"child-{child_id}.json")


@bp.post("/<int:child_id>/erase")
@role_required(COORDINATOR)
def child_erase(child_id: int):
    child = services.get_child(child_id)
    if request.form.get("confirm") != "erase":
        abort(
            422,
            description=_("Tick the box to confirm that this child's data is to be erased."),
        )
    privacy.erase(child)
    flash(_("The child's data was erased; the counts for reports stay."), "success")
    return hx_redirect(url_for("children.index"))
