"""Rosters and exports of a plan: who goes where and when, with the post leader's contact.

No children's data, ever: a roster names volunteers, places and times only. Exports use Chinese
headers and the formula-safe cells of the volunteers export.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.planning import plans
from webapp.core.spreadsheets import cell, to_csv, to_xlsx
from webapp.extensions import db
from webapp.labels import date_span, kind_label
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
    # An unfilled target is listed too: a roster that leaves it out reads as complete.
    return [(t, leaders(t)) for t in chosen if t.people or t.below_minimum or target is not None]


def _load_teams(targets) -> None:
    team_ids = {a.team_id for t in targets for a in t.people if a.team_id}
    if team_ids:
        list(
            db.session.scalars(
                select(Team).where(Team.id.in_(team_ids)).options(selectinload(Team.leader))
            )
        )


def missing_text(target: plans.Target) -> str:
    """ "缺 1 人": how many a target lacks to its minimum (the exports are in Chinese)."""
    return f"缺 {target.minimum - target.have} 人"


def export_rows(plan: Plan) -> list[list]:
    """One row per person placed, and one per target below its minimum ("缺 N 人"), so that
    nobody reading the export takes an unfilled session or post for a filled one."""
    targets = plans.load_targets(plan)
    _load_teams(targets.values())
    rows = []
    for t in targets.values():
        lead = leaders(t)
        where = (plan.programme.name, t.title, t.place, t.when, date_span(t.first, t.last))
        for a in sorted(t.people, key=lambda a: (a.volunteer.name, a.id)):
            v: Volunteer = a.volunteer
            rows.append(
                [
                    cell(x)
                    for x in (
                        *where,
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
        if t.below_minimum:
            rows.append([cell(x) for x in (*where, missing_text(t))] + [""] * 8)
    return rows


def export(plan: Plan, fmt: str) -> bytes:
    rows = export_rows(plan)
    if fmt == "xlsx":
        return to_xlsx(HEADER, rows, sheet="排班")
    return to_csv(HEADER, rows)
