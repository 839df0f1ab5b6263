"""Volunteers, availability, vetting, teams, import/export and surrogate-parent pairing.

Views parse, authorise and render; the rules live in services, teams, pairing and importing.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.blueprints.auth import invitations
from webapp.blueprints.auth.services import AccountError
from webapp.blueprints.volunteers import exporting, importing, pairing, services
from webapp.blueprints.volunteers import teams as team_rules
from webapp.blueprints.volunteers.forms import (
    CareLogForm,
    ChildForm,
    DateRangeForm,
    ImportForm,
    MemberForm,
    PairingForm,
    ProfileForm,
    SkillForm,
    TeamForm,
    VettingForm,
    WeeklySlotForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.htmx import hx_redirect, is_fragment_request
from webapp.models import Home, Place, Team, Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")


def _form_error(form, error: RuleError) -> None:
    target = getattr(form, error.field, None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _render(page: str, partial: str, status: int = 200, **context):
    """The whole page, or the partial alone for an htmx request."""
    template = partial if is_fragment_request() else page
    return render_template(template, **context), status


# --- List, search, export -----------------------------------------------------------------------


@bp.get("/")
@role_required(COORDINATOR)
def index():
    filters = services.filters_from_args(request.args)
    result = services.search_volunteers(filters)
    context = {
        "result": result,
        "filters": filters,
        "skills": services.all_skills(),
        "teams": services.all_teams(),
    }
    return _render("volunteers/index.html", "volunteers/_table.html", **context)


@bp.get("/export.<fmt>")
@role_required(COORDINATOR)
def export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = services.filters_from_args(request.args)
    rows = exporting.export_rows(filters)
    if fmt == "csv":
        body, mime = exporting.to_csv(exporting.EXPORT_COLUMNS, rows), exporting.CSV_MIME
    else:
        body, mime = exporting.to_xlsx(exporting.EXPORT_COLUMNS, rows), exporting.XLSX_MIME
    name = f"volunteers-{clock.today().isoformat()}.{fmt}"
    return Response(
        body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- Profiles -----------------------------------------------------------------------------------


def _profile_form(volunteer: Volunteer | None = None) -> ProfileForm:
    skills = services.all_skills()
    locale = _current_locale()
    skill_choices = [(s.code, s.label(locale)) for s in skills]
    place_choices = [
        (str(p.id), ("— " if p.kind == "village" else "") + p.name)
        for p in services.places_for_picker()
    ]
    form = ProfileForm(obj=volunteer, skill_choices=skill_choices, place_choices=place_choices)
    if volunteer is not None and request.method == "GET":
        form.skills.data = [s.code for s in volunteer.skills]
        form.gender.data = volunteer.gender or ""
    return form


def _current_locale() -> str:
    from webapp.i18n import select_locale

    return select_locale()


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
            _form_error(form, error)
        else:
            flash(_("Volunteer %(name)s added.", name=volunteer.name), "success")
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/form.html", form=form, volunteer=None), status


@bp.get("/me")
@login_required
def my_profile():
    volunteer = services.profile_of(current_user)
    if volunteer is None:
        return render_template("volunteers/no_profile.html")
    return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))


@bp.get("/<int:volunteer_id>")
@login_required
def detail(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    return _detail_page(volunteer)


def _detail_page(
    volunteer: Volunteer, slot_form=None, range_form=None, status: int = 200, invite_link=None
):
    coordinator = services.is_coordinator(current_user)
    return render_template(
        "volunteers/detail.html",
        volunteer=volunteer,
        invitation=invitations.open_invitation_of(volunteer) if coordinator else None,
        invite_link=invite_link,
        grid=services.weekly_grid(volunteer),
        slot_form=slot_form or WeeklySlotForm(formdata=None),
        range_form=range_form or DateRangeForm(formdata=None),
        teams=services.team_names_for([volunteer.id]).get(volunteer.id, ""),
        pairings=pairing.pairings_of(volunteer),
        is_coordinator=coordinator,
        history=services.vetting_history(volunteer) if coordinator else [],
    ), status


@bp.post("/<int:volunteer_id>/invite")
@role_required(COORDINATOR)
def invite(volunteer_id: int):
    """A one-time sign-in link for a volunteer without an account (e.g. after an import)."""
    volunteer = db.session.get(Volunteer, volunteer_id) or abort(404)
    try:
        token, invitation = invitations.invite(volunteer, current_user)
    except AccountError as error:
        abort(409, description=error.message)
    link = url_for("auth.accept_invitation", token=token, _external=True)
    if not is_fragment_request():
        return _detail_page(volunteer, invite_link=link)
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
            _form_error(form, error)
        else:
            flash(_("Profile saved."), "success")
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/form.html", form=form, volunteer=volunteer), status


@bp.get("/place")
@login_required
def place_fields():
    """htmx: the home-base fields filled from the chosen township or village."""
    place = None
    raw = request.args.get("place_id", "")
    if raw.isdigit():
        place = db.session.get(Place, int(raw))
    form = _profile_form()
    if place is not None:
        form.place_name.data = place.full_name
        form.lat.data, form.lon.data = place.lat, place.lon
    return render_template("volunteers/_place_fields.html", form=form)


# --- Availability -------------------------------------------------------------------------------


def _weekly_response(volunteer, form, status=200):
    """htmx gets the grid alone; a plain form post (no JavaScript) the whole page."""
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
        return _detail_page(volunteer, slot_form=form, status=status)
    return render_template(
        "volunteers/_weekly.html",
        volunteer=volunteer,
        grid=services.weekly_grid(volunteer),
        slot_form=form,
    ), status


@bp.post("/<int:volunteer_id>/weekly")
@login_required
def add_weekly(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    form = WeeklySlotForm()
    if form.validate_on_submit():
        start = form.start.data.hour * 60 + form.start.data.minute
        end = form.end.data.hour * 60 + form.end.data.minute
        try:
            services.add_weekly_slot(volunteer, form.weekday.data, start, end)
        except RuleError as error:
            _form_error(form, error)
        else:
            return _weekly_response(volunteer, WeeklySlotForm(formdata=None))
    return _weekly_response(volunteer, form, 422)


@bp.post("/<int:volunteer_id>/weekly/<int:slot_id>/delete")
@login_required
def remove_weekly(volunteer_id: int, slot_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    services.remove_weekly_slot(volunteer, slot_id)
    return _weekly_response(volunteer, WeeklySlotForm(formdata=None))


def _ranges_response(volunteer, form, status=200):
    if not is_fragment_request():
        if status < 400:
            return hx_redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))
        return _detail_page(volunteer, range_form=form, status=status)
    return render_template("volunteers/_ranges.html", volunteer=volunteer, range_form=form), status


@bp.post("/<int:volunteer_id>/ranges")
@login_required
def add_range(volunteer_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    form = DateRangeForm()
    if form.validate_on_submit():
        try:
            services.add_date_range(
                volunteer, form.kind.data, form.starts_on.data, form.ends_on.data
            )
        except RuleError as error:
            _form_error(form, error)
        else:
            return _ranges_response(volunteer, DateRangeForm(formdata=None))
    return _ranges_response(volunteer, form, 422)


@bp.post("/<int:volunteer_id>/ranges/<int:range_id>/delete")
@login_required
def remove_range(volunteer_id: int, range_id: int):
    volunteer = services.visible_volunteer(volunteer_id, current_user)
    services.remove_date_range(volunteer, range_id)
    return _ranges_response(volunteer, DateRangeForm(formdata=None))


# --- Vetting ------------------------------------------------------------------------------------


@bp.route("/<int:volunteer_id>/vetting", methods=["GET", "POST"])
@role_required(COORDINATOR)
def vetting(volunteer_id: int):
    volunteer = db.session.get(Volunteer, volunteer_id) or abort(404)
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
            services.set_vetting(
                volunteer,
                status=form.status.data,
                cleared_on=form.cleared_on.data,
                expires_on=form.expires_on.data,
                note=form.note.data or "",
                actor=current_user,
            )
        except RuleError as error:
            _form_error(form, error)
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
        volunteers=services.expiring_clearances(),
        days=services.EXPIRING_WITHIN_DAYS,
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
            _form_error(form, error)
        else:
            flash(_("Skill %(name)s added.", name=skill.name_zh), "success")
            return hx_redirect(url_for("volunteers.skills"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "volunteers/skills.html", form=form, skills=services.all_skills()
    ), status


# --- Teams --------------------------------------------------------------------------------------


@bp.get("/teams")
@role_required(COORDINATOR)
def teams():
    return render_template("volunteers/teams.html", teams=team_rules.list_teams())


@bp.route("/teams/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def team_new():
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = team_rules.save_team(
                None,
                name=form.name.data,
                college=form.college.data,
                programme=form.programme.data or "",
                contact=form.contact.data or "",
            )
        except RuleError as error:
            _form_error(form, error)
        else:
            flash(_("Team %(name)s created.", name=team.name), "success")
            return hx_redirect(url_for("volunteers.team_detail", team_id=team.id))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/team_form.html", form=form, team=None), status


def _team_page(team: Team, form=None, member_form=None, status=200):
    return render_template(
        "volunteers/team_detail.html",
        team=team,
        form=form or TeamForm(obj=team, formdata=None),
        member_form=member_form or MemberForm(formdata=None),
        candidates=[],
    ), status


@bp.get("/teams/<int:team_id>")
@role_required(COORDINATOR)
def team_detail(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    return _team_page(team)


@bp.post("/teams/<int:team_id>/edit")
@role_required(COORDINATOR)
def team_edit(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team_rules.save_team(
                team,
                name=form.name.data,
                college=form.college.data,
                programme=form.programme.data or "",
                contact=form.contact.data or "",
            )
        except RuleError as error:
            _form_error(form, error)
        else:
            flash(_("Team saved."), "success")
            return hx_redirect(url_for("volunteers.team_detail", team_id=team.id))
    return _team_page(team, form=form, status=422)


def _members_response(team: Team, member_form=None, status=200):
    return render_template(
        "volunteers/_team_members.html",
        team=team,
        member_form=member_form or MemberForm(formdata=None),
        candidates=[],
    ), status


@bp.get("/teams/<int:team_id>/candidates")
@role_required(COORDINATOR)
def team_candidates(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    found = team_rules.candidates(team, request.args.get("q", "").replace("\x00", "")[:100])
    return render_template("volunteers/_team_candidates.html", team=team, candidates=found)


@bp.post("/teams/<int:team_id>/members")
@role_required(COORDINATOR)
def team_add_member(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    form = MemberForm()
    if form.validate_on_submit():
        volunteer = db.session.get(Volunteer, form.volunteer_id.data) or abort(404)
        try:
            team_rules.add_member(team, volunteer)
        except RuleError as error:
            _form_error(form, error)
        else:
            return _members_response(team)
    return _members_response(team, form, 422)


@bp.post("/teams/<int:team_id>/members/<int:volunteer_id>/delete")
@role_required(COORDINATOR)
def team_remove_member(team_id: int, volunteer_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    team_rules.remove_member(team, volunteer_id)
    return _members_response(team)


@bp.post("/teams/<int:team_id>/leader")
@role_required(COORDINATOR)
def team_leader(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    raw = request.form.get("leader_id", "")
    if not raw.isdigit():
        abort(400)
    try:
        team_rules.set_leader(team, int(raw))
    except RuleError as error:
        abort(409, description=error.message)
    return _members_response(team)


# --- Import -------------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@role_required(COORDINATOR)
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read(importing.MAX_BYTES + 1)
        finally:
            upload.close()  # large uploads are spooled to a temporary file
        try:
            table = importing.read_table(upload.filename or "", data)
        except importing.ImportFileError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            pending = importing.store_pending(table, upload.filename or "", current_user)
            return hx_redirect(url_for("volunteers.import_preview", token=pending.token))
    status = 422 if form.is_submitted() else 200
    return render_template("volunteers/import.html", form=form), status


@bp.get("/import/template.<fmt>")
@role_required(COORDINATOR)
def import_template(fmt: str):
    if fmt == "csv":
        body, mime = exporting.template_csv(), exporting.CSV_MIME
    elif fmt == "xlsx":
        body, mime = exporting.template_xlsx(), exporting.XLSX_MIME
    else:
        abort(404)
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="volunteers-template.{fmt}"'},
    )


def _pending_or_404(token: str):
    pending = importing.load_pending(token, current_user)
    if pending is None:
        abort(404)
    return pending


def _preview(pending, analysis, status=200, message=None):
    errors = [r for r in analysis.rows if r.errors]
    others = [r for r in analysis.rows if not r.errors]
    return render_template(
        "volunteers/import_preview.html",
        pending=pending,
        analysis=analysis,
        error_rows=errors[:500],
        other_rows=others[:200],
        message=message,
    ), status


@bp.get("/import/<token>")
@role_required(COORDINATOR)
def import_preview(token: str):
    pending = _pending_or_404(token)
    analysis = importing.analyse(importing.table_of(pending))
    return _preview(pending, analysis)


@bp.post("/import/<token>/confirm")
@role_required(COORDINATOR)
def import_confirm(token: str):
    pending = _pending_or_404(token)
    # Check again: the database may have changed since the preview.
    analysis = importing.analyse(importing.table_of(pending))
    if not analysis.ok:
        message = _("Some rows have errors. Fix the file and upload it again; nothing was saved.")
        return _preview(pending, analysis, 422, message)
    try:
        counts = importing.apply(analysis, current_user)
        db.session.delete(pending)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        abort(409, description=_("Another change clashed with this import; nothing was saved."))
    flash(
        _(
            "Imported: %(created)d new, %(updated)d updated.",
            created=counts["created"],
            updated=counts["updated"],
        ),
        "success",
    )
    return hx_redirect(url_for("volunteers.index"))


@bp.post("/import/<token>/discard")
@role_required(COORDINATOR)
def import_discard(token: str):
    pending = _pending_or_404(token)
    db.session.delete(pending)
    flash(_("The import was discarded."), "success")
    return hx_redirect(url_for("volunteers.import_upload"))


# --- Surrogate-parent pairing -------------------------------------------------------------------


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
    homes = db.session.scalars(select(Home).order_by(Home.name))
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
            _form_error(form, error)
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
    return _save_child_view(pairing.get_child(child_id))


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
    if request.method == "GET" and request.args.get("child_id", "").isdigit():
        form.child_id.data = int(request.args["child_id"])
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
            _form_error(form, error)
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
            _form_error(form, error)
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
