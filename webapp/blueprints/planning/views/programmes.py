"""Programmes: list, create, edit, the programme page, who takes part, and sign-up switches."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from webapp.blueprints.planning import children_plans, sessions
from webapp.blueprints.planning import posts as post_rules
from webapp.blueprints.planning import programmes as svc
from webapp.blueprints.planning import runs as run_svc
from webapp.blueprints.planning.errors import PlanningError
from webapp.blueprints.planning.forms import (
    AddByKindForm,
    ProgrammeForm,
    SessionForm,
    SolveForm,
    TeamsForm,
)
from webapp.blueprints.planning.views import bp
from webapp.blueprints.planning.views.common import refused, signup_switched
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.fields import form_error
from webapp.htmx import hx_redirect, render_page_or_partial
from webapp.models import Home, Skill, SolveRun, Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required

SHOWN_PARTICIPANTS = 100


@bp.get("/")
@role_required(COORDINATOR)
def index():
    run_svc.stale_check()
    return render_template("planning/index.html", rows=svc.all_programmes())


def _programme_form(programme=None, formdata=True) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme) if formdata else ProgrammeForm(obj=programme, formdata=None)
    homes = db.session.scalars(select(Home).order_by(Home.name))
    form.homes.choices = [SelectChoice(h.id, h.name) for h in homes]
    if programme is not None and not form.is_submitted():
        form.homes.data = [h.id for h in programme.homes]
    form.show_settings(programme)
    return form


def _save(programme, form: ProgrammeForm):
    return svc.save_programme(
        programme,
        kind=form.kind.data,
        name=form.name.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        notes=form.notes.data or "",
        home_ids=list(form.homes.data or []),
        user=current_user,
        settings=form.settings_for(form.kind.data),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(COORDINATOR)
def new_programme():
    form = _programme_form()
    if request.method == "GET" and request.args.get("kind") in ("tutoring", "summer"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            programme = _save(None, form)
        except PlanningError as error:
            form_error(form, error)
        else:
            flash(_("Programme %(name)s created.", name=programme.name), "success")
            return hx_redirect(url_for("planning.programme", programme_id=programme.id))
    status = 422 if form.is_submitted() else 200
    return render_template("planning/programme_form.html", form=form, programme=None), status


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@role_required(COORDINATOR)
def edit_programme(programme_id: int):
    programme = svc.programme_or_404(programme_id)
    form = _programme_form(programme)
    if form.validate_on_submit():
        try:
            _save(programme, form)
        except PlanningError as error:
            form_error(form, error)
        else:
            flash(_("Programme saved."), "success")
            return hx_redirect(url_for("planning.programme", programme_id=programme.id))
    status = 422 if form.is_submitted() else 200
    return render_template("planning/programme_form.html", form=form, programme=programme), status


def programme_page(programme, status: int = 200, **extra):
    run_svc.stale_check(programme.id)
    runs = list(
        db.session.scalars(
            select(SolveRun)
            .where(SolveRun.programme_id == programme.id)
            .order_by(SolveRun.id.desc())
            .limit(10)
        )
    )
    people = svc.participants(programme)
    teams_form = TeamsForm(formdata=None)
    teams_form.teams.choices = [
        SelectChoice(t.id, f"{t.name} ({len(t.memberships)})") for t in svc.all_teams()
    ]
    teams_form.teams.data = [t.id for t in programme.teams]
    context = {
        "programme": programme,
        "people": people[:SHOWN_PARTICIPANTS],
        "people_count": len(people),
        "without_times": svc.without_weekly_times(programme),
        "teams_form": teams_form,
        "kind_form": AddByKindForm(formdata=None),
        "solve_form": SolveForm(formdata=None),
        "needs": svc.tutoring_needs(programme) if programme.kind == "tutoring" else [],
        "posts": programme.posts if programme.kind == "summer" else [],
        "published": svc.published_plan(programme.id),
        "proposed": svc.proposed_plan(programme.id),
        "history": svc.plan_history(programme.id),
        "runs": runs,
        "active": next((r for r in runs if r.active), None),
        "cannot_solve": svc.can_solve(programme),
        "session_form": _session_form(programme, formdata=False),
        "call_inputs": (
            children_plans.call_inputs(programme) if programme.kind == "video_calls" else None
        ),
        "visit_inputs": (
            children_plans.visit_inputs(programme) if programme.kind == "home_visits" else None
        ),
        **extra,
    }
    return render_template("planning/programme.html", **context), status


@bp.get("/programmes/<int:programme_id>")
@role_required(COORDINATOR)
def programme(programme_id: int):
    return programme_page(svc.programme_or_404(programme_id))


@bp.post("/programmes/<int:programme_id>/volunteers/by-kind")
@role_required(COORDINATOR)
def add_by_kind(programme_id: int):
    programme = svc.programme_or_404(programme_id)
    form = AddByKindForm()
    if not form.validate_on_submit():
        return refused(PlanningError(_("Choose a kind of volunteer.")))
    try:
        added = svc.add_volunteers_by_kind(programme, form.kind.data, bool(form.cleared_only.data))
    except PlanningError as error:
        return refused(error)
    flash(ngettext("%(num)d volunteer added.", "%(num)d volunteers added.", added), "success")
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#participants")


@bp.post("/programmes/<int:programme_id>/volunteers")
@role_required(COORDINATOR)
def add_volunteer(programme_id: int):
    programme = svc.programme_or_404(programme_id)
    try:
        volunteer_id = int(request.form.get("volunteer_id", ""))
    except ValueError:
        return refused(PlanningError(_("Choose a volunteer.")))
    get_or_404(Volunteer, volunteer_id)
    svc.add_volunteers(programme, [volunteer_id])
    flash(_("Volunteer added."), "success")
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#participants")


@bp.route(
    "/programmes/<int:programme_id>/volunteers/<int:volunteer_id>/remove", methods=["GET", "POST"]
)
@role_required(COORDINATOR)
def remove_volunteer(programme_id: int, volunteer_id: int):
    """GET: ask first; POST: the volunteer no longer takes part."""
    programme = svc.programme_or_404(programme_id)
    if request.method == "GET":
        volunteer = get_or_404(Volunteer, volunteer_id)
        return render_template(
            "_confirm.html",
            heading=_("Remove %(name)s", name=volunteer.name) + "?",
            text=_(
                "%(name)s no longer takes part in %(programme)s.",
                name=volunteer.name,
                programme=programme.name,
            ),
            action=url_for(
                "planning.remove_volunteer", programme_id=programme.id, volunteer_id=volunteer.id
            ),
            button=_("Remove %(name)s", name=volunteer.name),
            back=url_for("planning.programme", programme_id=programme.id) + "#participants",
        )
    svc.remove_volunteer(programme, volunteer_id)
    flash(_("Volunteer removed from the programme."), "success")
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#participants")


@bp.get("/programmes/<int:programme_id>/candidates")
@role_required(COORDINATOR)
def candidates(programme_id: int):
    """Volunteers matching a search who do not take part yet (a fragment with add buttons)."""
    programme = svc.programme_or_404(programme_id)
    q = request.args.get("q", "").replace("\x00", "").strip()[:50]
    found = []
    if q:
        have = {v.id for v in programme.volunteers}
        pattern = f"%{q.replace('%', '').replace('_', '')}%"
        found = [
            v
            for v in db.session.scalars(
                select(Volunteer)
                .where(or_(Volunteer.name.like(pattern), Volunteer.phone.like(pattern)))
                .order_by(Volunteer.name)
                .limit(30)
            )
            if v.id not in have
        ][:20]
    return render_page_or_partial(
        "planning/candidates.html",
        "planning/_candidates.html",
        programme=programme,
        found=found,
        q=q,
    )


@bp.post("/programmes/<int:programme_id>/teams")
@role_required(COORDINATOR)
def set_teams(programme_id: int):
    programme = svc.programme_or_404(programme_id)
    form = TeamsForm()
    form.teams.choices = [SelectChoice(t.id, t.name) for t in svc.all_teams()]
    if not form.validate_on_submit():
        return refused(PlanningError(_("Choose teams from the list.")))
    svc.set_teams(programme, list(form.teams.data or []))
    flash(_("Teams saved."), "success")
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#participants")


@bp.post("/programmes/<int:programme_id>/needs/<int:need_id>/signup")
@role_required(COORDINATOR)
def need_signup(programme_id: int, need_id: int):
    programme = svc.programme_or_404(programme_id)
    try:
        need = post_rules.set_need_signup(
            svc.need_or_404(programme, need_id), request.form.get("open") == "1"
        )
    except PlanningError as error:
        return refused(error)
    signup_switched(need.open_for_signup)
    return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#needs")


def _session_form(programme, formdata: bool = True) -> SessionForm:
    form = SessionForm() if formdata else SessionForm(formdata=None)
    form.room_id.choices = [
        SelectChoice(str(r.id), f"{r.home.name} · {r.name}") for r in sessions.rooms_of(programme)
    ]
    locale = str(get_locale())
    form.skill_id.choices = [SelectChoice("", _("any volunteer"))] + [
        SelectChoice(str(k.id), k.label(locale))
        for k in db.session.scalars(select(Skill).order_by(Skill.id))
    ]
    return form


@bp.post("/programmes/<int:programme_id>/sessions")
@role_required(COORDINATOR)
def add_session(programme_id: int):
    """A weekly session with its volunteer need, booked from the programme's page."""
    programme = svc.programme_or_404(programme_id)
    form = _session_form(programme)
    if programme.kind != "tutoring":
        return refused(PlanningError(_("Weekly sessions belong to term tutoring."), 409))
    status = 422
    if form.validate_on_submit():
        spec = sessions.WeeklySession(
            room_id=int(form.room_id.data),
            weekday=int(form.weekday.data),
            start_minute=form.start.data.hour * 60 + form.start.data.minute,
            end_minute=form.end.data.hour * 60 + form.end.data.minute,
            title=form.title.data or "",
            skill_id=int(form.skill_id.data) if form.skill_id.data else None,
            count=form.count.data,
        )
        try:
            booked = sessions.book_weekly(programme, spec, current_user)
        except PlanningError as error:
            form_error(form, error)
            status = error.status
        else:
            _said_booked(booked)
            return hx_redirect(url_for("planning.programme", programme_id=programme.id) + "#needs")
    return programme_page(programme, status, session_form=form)


def _said_booked(booked: sessions.Booked) -> None:
    event = booked.event
    dates = len(event.occurrences)
    flash(
        ngettext(
            "%(title)s booked on %(num)d date with its volunteer need.",
            "%(title)s booked on %(num)d dates with its volunteer need.",
            dates,
            title=event.title,
        ),
        "success",
    )
    if any(o.status == "requested" for o in event.occurrences):
        flash(
            _("The room needs the home's approval: the solver plans it once approved."), "warning"
        )
    if booked.skipped:
        flash(
            _(
                "Left out: %(dates)s.",
                dates="; ".join(f"{d.isoformat()} {why}" for d, why in booked.skipped),
            ),
            "warning",
        )
