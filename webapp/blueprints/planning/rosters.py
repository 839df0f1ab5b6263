"""Rosters and exports of a plan: who goes where and when, with the post leader's contact.

No children's data, ever: a roster names volunteers, places and times only. Exports use Chinese
headers and the formula-safe cells of the volunteers export.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import plans
from webapp.core.spreadsheets import escape_cell, to_csv, to_xlsx
from webapp.extensions import db
from webapp.labels import kind_label
from webapp.models import Plan, Team, Volunteer

HEADER = (
    "项目",
    "驻点/课程",
    "地点",
    "时间",
    "日期",
    "姓名",
    "类别",
    "手机",
    "团队",
    "领队",
    "领队电话",
    "单程分钟",
    "状态",
    "固定",
)
STATUS_ZH = {
    "proposed": "待发布",
    "confirmed": "已确认",
    "withdrawn": "已退出",
    "declined": "已谢绝",
    "waitlisted": "候补",
}


@dataclass
class Leader:
    name: str
    phone: str


def leaders(target: plans.Target) -> list[Leader]:
    """Who leads the people at a target: the team leaders there (or the team's contact)."""
    teams = {a.team for a in target.people if a.team is not None}
    out = []
    for team in sorted(teams, key=lambda t: t.id):
        leader = team.leader
        if leader is not None:
            out.append(Leader(leader.name, leader.phone or team.contact))
        elif team.contact:
            out.append(Leader(team.name, team.contact))
    return out


def roster_targets(plan: Plan, *, target: str | None = None, home_id: int | None = None):
    """The targets of a roster (one post or slot, or everything at one home), with leaders."""
    targets = plans.load_targets(plan)
    chosen = [
        t
        for t in targets.values()
        if (target is None or t.id == target) and (home_id is None or t.home_id == home_id)
    ]
    _load_teams(chosen)
    return [(t, leaders(t)) for t in chosen if t.people or target is not None]


def _load_teams(targets) -> None:
    team_ids = {a.team_id for t in targets for a in t.people if a.team_id}
    if team_ids:
        list(
            db.session.scalars(
                select(Team).where(Team.id.in_(team_ids)).options(selectinload(Team.leader))
            )
        )


def export_rows(plan: Plan) -> list[list[str]]:
    targets = plans.load_targets(plan)
    _load_teams(targets.values())
    rows = []
    for t in targets.values():
        lead = leaders(t)
        for a in sorted(t.people, key=lambda a: (a.volunteer.name, a.id)):
            v: Volunteer = a.volunteer
            dates = f"{t.first:%Y-%m-%d}–{t.last:%Y-%m-%d}" if t.first and t.last else ""
            rows.append(
                [
                    escape_cell(x)
                    for x in (
                        plan.programme.name,
                        t.title,
                        t.place,
                        t.when,
                        dates,
                        v.name,
                        kind_label(v.kind),
                        v.phone or "",
                        a.team.name if a.team else "",
                        "、".join(x.name for x in lead),
                        "、".join(x.phone for x in lead),
                        "" if a.travel_minutes is None else a.travel_minutes,
                        STATUS_ZH.get(a.status, a.status),
                        "是" if a.pinned else "",
                    )
                ]
            )
    return rows


def export(plan: Plan, fmt: str) -> bytes:
    rows = export_rows(plan)
    if fmt == "xlsx":
        return to_xlsx(HEADER, rows, sheet="plan")
    return to_csv(HEADER, rows)
