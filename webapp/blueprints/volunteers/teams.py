"""College summer teams (暑期三下乡): members, leader, one team per volunteer per programme."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.volunteers.services import RuleError
from webapp.extensions import db
from webapp.models import Team, TeamMember, Volunteer


def list_teams() -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .options(selectinload(Team.memberships).selectinload(TeamMember.volunteer))
            .order_by(Team.programme.desc(), *Team.by_name())
        )
    )


def _check_name(team: Team | None, name: str) -> None:
    other = db.session.scalar(select(Team.id).where(func.lower(Team.name) == name.lower()))
    if other is not None and (team is None or other != team.id):
        raise RuleError("name", _("A team with this name already exists."))


def save_team(team: Team | None, *, name: str, college: str, programme: str, contact: str) -> Team:
    name, programme = name.strip(), programme.strip()
    _check_name(team, name)
    creating = team is None
    if creating:
        team = Team(name=name, college=college.strip(), programme=programme)
        db.session.add(team)
    elif programme != team.programme:
        for membership in team.memberships:
            _check_free(membership.volunteer, programme, team)
            membership.programme = programme
    team.name, team.college, team.programme = name, college.strip(), programme
    team.contact = contact.strip()
    db.session.flush()
    audit.record(
        "team.create" if creating else "team.update",
        "team",
        team.id,
        after={"name": team.name, "college": team.college, "programme": team.programme},
    )
    return team


def _check_free(volunteer: Volunteer, programme: str, team: Team) -> None:
    other = db.session.scalar(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(
            TeamMember.volunteer_id == volunteer.id,
            TeamMember.programme == programme,
            Team.id != team.id,
        )
    )
    if other is not None:
        raise RuleError(
            "volunteer_id",
            _(
                "%(name)s is already in the team %(team)s for this programme.",
                name=volunteer.name,
                team=other.name,
            ),
        )


def add_member(team: Team, volunteer: Volunteer) -> TeamMember:
    if any(m.volunteer_id == volunteer.id for m in team.memberships):
        raise RuleError("volunteer_id", _("%(name)s is already a member.", name=volunteer.name))
    _check_free(volunteer, team.programme, team)
    membership = TeamMember(volunteer=volunteer, programme=team.programme)
    team.memberships.append(membership)
    if team.leader_id is None:
        team.leader = volunteer
    db.session.flush()
    audit.record("team.member_added", "team", team.id, after={"volunteer_id": volunteer.id})
    return membership


def other_teams(team: Team, volunteer_ids: list[int]) -> dict[int, list[Team]]:
    """The other teams each volunteer is in (any programme), to warn before a clash of summers.

    The rule above only refuses the same programme spelt the same way; "2026暑期" and
    "2026 暑期三下乡" are one summer to a person, so a coordinator is shown every other team.
    """
    found: dict[int, list[Team]] = {}
    if not volunteer_ids:
        return found
    rows = db.session.execute(
        select(TeamMember.volunteer_id, Team)
        .join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.volunteer_id.in_(volunteer_ids), Team.id != team.id)
        .order_by(*Team.by_name())
    )
    for volunteer_id, other in rows:
        found.setdefault(volunteer_id, []).append(other)
    return found


def remove_member(team: Team, volunteer_id: int) -> None:
    membership = next((m for m in team.memberships if m.volunteer_id == volunteer_id), None)
    if membership is None:
        from flask import abort

        abort(404)
    team.memberships.remove(membership)
    if team.leader_id == volunteer_id:
        team.leader = None
    db.session.flush()
    audit.record("team.member_removed", "team", team.id, before={"volunteer_id": volunteer_id})


def set_leader(team: Team, volunteer_id: int | None) -> None:
    if volunteer_id is not None and not any(
        m.volunteer_id == volunteer_id for m in team.memberships
    ):
        raise RuleError("leader_id", _("The leader must be a member of the team."))
    team.leader_id = volunteer_id
    db.session.flush()
    audit.record("team.leader", "team", team.id, after={"leader_id": volunteer_id})


def candidates(team: Team, q: str, limit: int = 20) -> list[Volunteer]:
    """Volunteers matching a name or phone who are not yet in this team."""
    query = select(Volunteer).where(
        ~Volunteer.id.in_(select(TeamMember.volunteer_id).where(TeamMember.team_id == team.id))
    )
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where((func.lower(Volunteer.name).like(like)) | (Volunteer.phone.like(like)))
    return list(db.session.scalars(query.order_by(*Volunteer.by_name()).limit(limit)))
