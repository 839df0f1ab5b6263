"""Vetting (background checks), expiring clearances and the skills list."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import clock
from webapp.blueprints.volunteers import services
from webapp.blueprints.volunteers.forms import (
    SkillForm,
    VettingForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.blueprints.volunteers.vetting import (
    EXPIRING_WITHIN_DAYS,
    expiring_clearances,
    set_vetting,
)
from webapp.blueprints.volunteers.views import bp
from webapp.core.lookup import get_or_404
from webapp.fields import form_error
from webapp.htmx import hx_redirect
from webapp.models import Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


@bp.route("/<int:volunteer_id>/vetting", methods=["GET", "POST"])
@role_required(COORDINATOR)
def vetting(volunteer_id: int):
    volunteer = get_or_404(Volunteer, volunteer_id)
    form = VettingForm(
        data=None
        if request.method == "POST"
        else {
            "status": volunteer.vetting_status,
            "cleared_on": volunteer.cleared_on,
            "expires_on": volunteer.expires_on,
            "note": volunteer.vetting_note,
        }
    )
    if form.validate_on_submit():
        try:
            set_vetting(
                volunteer,
                status=form.status.data,
                cleared_on=form.cleared_on.data,
                expires_on=form.expires_on.data,
                note=form.note.data or "",
                actor=current_user,
            )
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Vetting saved."), "success")
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/vetting.html", form=form, volunteer=volunteer), status


@bp.get("/expiring")
@role_required(COORDINATOR)
def expiring():
    return render_template(
        "volunteers/expiring.html",
        volunteers=expiring_clearances(),
        days=EXPIRING_WITHIN_DAYS,
        today=clock.today(),
    )


@bp.route("/skills", methods=["GET", "POST"])
@role_required(COORDINATOR)
def skills():
    form = SkillForm()
    if form.validate_on_submit():
        try:
            skill = services.add_skill(form.code.data, form.name_zh.data, form.name_en.data)
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Skill %(name)s added.", name=skill.name_zh), "success")
            return hx_redirect(url_for("volunteers.skills"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "volunteers/skills.html", form=form, skills=services.all_skills()
    ), status
