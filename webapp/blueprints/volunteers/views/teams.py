"""College summer teams: list, edit, members and leader."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _

from webapp.blueprints.volunteers import teams as team_rules
from webapp.blueprints.volunteers.forms import (
    MemberForm,
    TeamForm,
)
from webapp.blueprints.volunteers.services import RuleError
from webapp.blueprints.volunteers.views import bp
from webapp.blueprints.volunteers.views.common import form_error
from webapp.extensions import db
from webapp.htmx import hx_redirect
from webapp.inputs import parse_id
from webapp.models import Team, Volunteer
from webapp.models.accounts import COORDINATOR
from webapp.security import role_required


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
            form_error(form, error)
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
            form_error(form, error)
        else:
            flash(_("Team saved."), "success")
            return hx_redirect(url_for("volunteers.team_detail", team_id=team.id))
    return _team_page(team, form=form, status=422)


def _members_response(team: Team, member_form=None, status=200, warning=None):
    return render_template(
        "volunteers/_team_members.html",
        team=team,
        member_form=member_form or MemberForm(formdata=None),
        candidates=[],
        warning=warning,
    ), status


def _other_teams_text(teams: list[Team]) -> str:
    return _("; ").join(
        _("%(team)s (%(programme)s)", team=t.name, programme=t.programme) if t.programme else t.name
        for t in teams
    )


@bp.get("/teams/<int:team_id>/candidates")
@role_required(COORDINATOR)
def team_candidates(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    found = team_rules.candidates(team, request.args.get("q", "")[:100])
    others = team_rules.other_teams(team, [v.id for v in found])
    return render_template(
        "volunteers/_team_candidates.html",
        team=team,
        candidates=found,
        other_teams={vid: _other_teams_text(teams) for vid, teams in others.items()},
    )


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
            form_error(form, error)
        else:
            others = team_rules.other_teams(team, [volunteer.id]).get(volunteer.id)
            warning = None
            if others:
                warning = _(
                    "%(name)s is also in %(teams)s. Check that the summers do not overlap.",
                    name=volunteer.name,
                    teams=_other_teams_text(others),
                )
            return _members_response(team, warning=warning)
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
    leader_id = parse_id(request.form.get("leader_id"))
    if leader_id is None:
        abort(400)
    try:
        team_rules.set_leader(team, leader_id)
    except RuleError as error:
        abort(409, description=error.message)
    return _members_response(team)
