"""The children overview and the child record: new, edit, a copy of its data, erasure."""

from __future__ import annotations

import json

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp import clock
from webapp.blueprints.children import access, duties, pairing, privacy, services
from webapp.blueprints.children.duties import CARD_DUTIES
from webapp.blueprints.children.forms import ChildForm
from webapp.blueprints.children.services import CARD_OTHER, CARD_TEXT
from webapp.blueprints.children.views import bp
from webapp.blueprints.volunteers.services import RuleError
from webapp.core.spreadsheets import attachment
from webapp.extensions import db
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.models import Home
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required

CARD_FIELDS = (*CARD_TEXT, *CARD_OTHER)


@bp.get("/")
@role_required(COORDINATOR)
def index():
    """The children, their carers, and which duties are overdue (ChildDuty.state: one rule)."""
    return render_template(
        "children/index.html",
        statuses=pairing.duty_statuses(),
        overdue=duties.open_duty_states(only_overdue=True),
        children=services.list_children(),
        today=clock.today(),
    )


def _child_form(child=None) -> ChildForm:
    form = ChildForm(obj=child)
    homes = db.session.scalars(select(Home).order_by(*Home.by_name()))
    form.home_id.choices = [(h.id, h.name) for h in homes]
    if child is not None and not form.is_submitted():
        for kind in CARD_DUTIES:
            getattr(form, kind).data = duties.open_duty(child, kind) is not None
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
                card={name: getattr(form, name).data for name in CARD_FIELDS},
                card_duties={kind: getattr(form, kind).data for kind in CARD_DUTIES},
                user=current_user,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Child record saved."), "success")
            return hx_redirect(url_for("children.card_page", child_id=child.id))
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
    child = services.get_child(child_id)
    access.log_access(child, "export", "json")
    data = privacy.export(child)
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
