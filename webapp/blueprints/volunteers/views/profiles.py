"""The volunteer list, export, profiles, invitations and the place picker."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.blueprints.auth import invitations
from webapp.blueprints.auth.services import AccountError
from webapp.blueprints.volunteers import (
    availability,
    exporting,
    list_filters,
    listing,
    services,
    vetting,
)
from webapp.blueprints.volunteers.forms import (
    DateRangeForm,
    ProfileForm,
    WeeklySlotForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.blueprints.volunteers.views import bp
from webapp.blueprints.volunteers.views.common import current_locale
from webapp.core import spreadsheets
from webapp.core.lookup import get_or_404
from webapp.fields import form_error
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.labels import kind_label
from webapp.models import Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.models.volunteers import VOLUNTEER_KINDS
from webapp.security import role_required


@bp.get("/")
@role_required(COORDINATOR)
def index():
    filters = list_filters.filters_from_args(request.args)
    locale = current_locale()
    context = {
        "result": listing.search_volunteers(filters, locale=locale),
        "filters": filters,
        # Each kind translated once, not once per row.
        "kind_labels": {code: kind_label(code) for code in VOLUNTEER_KINDS},
    }
    if is_fragment_request():  # the table alone: the filter form's choices are not needed
        return render_template("volunteers/_table.html", **context)
    skill_choices, team_choices = listing.filter_choices(locale)
    context.update(skill_choices=skill_choices, team_choices=team_choices)
    return render_template("volunteers/index.html", **context)


@bp.get("/export.<fmt>")
@role_required(COORDINATOR)
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = list_filters.filters_from_args(request.args)
    rows = exporting.export_rows(filters, current_locale())
    header = exporting.headers(exporting.EXPORT_KEYS)
    if fmt == "csv":
        body = spreadsheets.to_csv(header, rows)
    else:
        body = spreadsheets.to_xlsx(header, rows, sheet=_("Volunteers"))
    day = clock.today().isoformat()
    return spreadsheets.attachment(
        body,
        spreadsheets.SPREADSHEET_MIMES[fmt],
        _("volunteers-%(day)s", day=day) + f".{fmt}",
        fallback=f"volunteers-{day}.{fmt}",
    )


# --- Profiles -----------------------------------------------------------------------------------


def _profile_form(volunteer: Volunteer | None = None) -> ProfileForm:
    skills = services.all_skills()
    locale = current_locale()
    skill_choices = [(s.code, s.label(locale)) for s in skills]
    townships = services.townships()
    form = ProfileForm(
        obj=volunteer,
        skill_choices=skill_choices,
        township_choices=[(str(t.id), t.name) for t in townships],
    )
    if volunteer is not None and request.method == "GET":
        form.skills.data = [s.code for s in volunteer.skills]
        form.gender.data = volunteer.gender or ""
        _preselect_place(form, townships, volunteer.place_name)
    _village_choices(form, townships)
    return form


def _preselect_place(form: ProfileForm, townships, place_name: str) -> None:
    """Show the stored home base in the picker when it is one of the county's places."""
    for township in townships:
        for place in (township, *township.children):
            if place_name and place.full_name == place_name:
                form.township_id.data = str(township.id)
                form.village_id.data = str(place.id) if place is not township else ""
                return


def _village_choices(form: ProfileForm, townships) -> None:
    chosen = next((t for t in townships if str(t.id) == form.township_id.data), None)
    if chosen is not None:
        form.village_id.choices = [("", _("— the whole township —"))] + [
            (str(v.id), v.name) for v in chosen.children if v.kind == "village"
        ]


def _profile_data(form: ProfileForm) -> dict:
    return {
        name: getattr(form, name).data for name in services.PROFILE_FIELDS if hasattr(form, name)
    }


@bp.route("/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def create():
    form = _profile_form()
    if form.validate_on_submit():
        try:
            volunteer = services.save_profile(None, _profile_data(form), form.skills.data)
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Volunteer %(name)s added.", name=volunteer.name), "success")
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/form.html", form=form, volunteer=None), status


@bp.get("/me")
@login_required
def my_profile():
    volunteer = services.profile_of(current_user, for_page=True)
    if volunteer is None:
        return render_template("volunteers/no_profile.html")
    # The page itself, not a redirect to it: one request less on a phone.
    return detail_page(volunteer)


@bp.get("/<int:volunteer_id>")
@login_required
def detail(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user, for_page=True)
    return detail_page(volunteer)


def detail_page(
    volunteer: Volunteer, slot_form=None, range_form=None, status: int = 200, invite_link=None
):
    coordinator = services.is_coordinator(current_user)
    return render_template(
        "volunteers/detail.html",
        volunteer=volunteer,
        invitation=invitations.open_invitation_of(volunteer) if coordinator else None,
        invite_link=invite_link,
        grid=availability.weekly_grid(volunteer),
        slot_form=slot_form or WeeklySlotForm(formdata=None),
        range_form=range_form or DateRangeForm(formdata=None),
        teams=listing.team_names_for([volunteer.id]).get(volunteer.id, ""),
        pairings=services.pairings_of(volunteer),
        is_coordinator=coordinator,
        history=vetting.vetting_history(volunteer) if coordinator else [],
    ), status


@bp.post("/<int:volunteer_id>/invite")
@role_required(COORDINATOR)
def invite(volunteer_id: int):
    """A one-time sign-in link for a volunteer without an account (e.g. after an import)."""
    volunteer = get_or_404(Volunteer, volunteer_id)
    try:
        token, invitation = invitations.invite(volunteer, current_user)
    except AccountError as error:
        abort(409, description=error.message)
    link = url_for("auth.accept_invitation", token=token, _external=True)
    if not is_fragment_request():
        return detail_page(volunteer, invite_link=link)
    return render_template(
        "volunteers/_account.html",
        volunteer=volunteer,
        invitation=invitation,
        invite_link=link,
    )


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    form = _profile_form(volunteer)
    if form.validate_on_submit():
        try:
            services.save_profile(volunteer, _profile_data(form), form.skills.data)
        except RuleError as error:
            form_error(form, error)
        else:
            flash(_("Profile saved."), "success")
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/form.html", form=form, volunteer=volunteer), status


@bp.get("/place")
@login_required
def place_fields():
    """htmx: the township's villages, and the home base filled from the township or village."""
    township, village = services.picked_place(
        request.args.get("township_id", ""), request.args.get("village_id", "")
    )
    form = _profile_form()
    form.township_id.data = str(township.id) if township else ""
    form.village_id.data = str(village.id) if village else ""
    _village_choices(form, services.townships())
    place = village or township
    if place is not None:
        form.place_name.data = place.full_name
        form.lat.data, form.lon.data = place.lat, place.lon
    return render_template("volunteers/_place_fields.html", form=form)
