"""Reading plans: each target (slot or post) with its people and fill, the names the engine's ids
stand for, and the diff of a proposal against the published plan.

Queries are batched (a few per page, whatever the plan's size): the review page of a
1,000-assignment plan must answer quickly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from webapp.blueprints.homes.availability import hhmm
from webapp.blueprints.planning import adapter, ids
from webapp.core.lookup import get_or_404
from webapp.extensions import db
from webapp.labels import PLAN_STATE_LABELS, label_of, weekday_label
from webapp.models import Assignment, Event, Need, Plan, Post, Skill, Team, Volunteer
from webapp.pagination import Page, page_of, page_of_groups


def plan_or_404(plan_id: int) -> Plan:
    return get_or_404(Plan, plan_id)


def volunteer_plan_or_404(plan_id: int) -> Plan:
    """A plan that places volunteers (tutoring, summer posts): the pages made for those rows
    (add someone, rosters, exports, call list, messages) do not exist for a video-call rota or
    a home-visit campaign, which have their own."""
    return get_or_404(Plan, plan_id, belongs=lambda p: not p.programme.plans_children)


def assignment_or_404(assignment_id: int) -> Assignment:
    """A row of a plan (a volunteer's own sign-up is no plan's to edit)."""
    return get_or_404(Assignment, assignment_id, belongs=lambda row: row.plan_id is not None)


# The engine target of a stored assignment; defined once, in ids.py (the adapter uses it too).
target_of = ids.target_of


@dataclass
class Target:
    """One column of the board: a slot (need x weekday) or a post, with its people."""

    id: str
    kind: str
    title: str
    place: str
    when: str
    first: date | None
    last: date | None
    dates: int
    minimum: int
    maximum: int
    preferred: int
    skill: str = ""
    home_id: int | None = None
    people: list[Assignment] = field(default_factory=list)
    explanations: list[dict] = field(default_factory=list)

    @property
    def have(self) -> int:
        return sum(1 for a in self.people if not a.is_withdrawn)

    @property
    def below_minimum(self) -> bool:
        return self.have < self.minimum

    @property
    def below_preferred(self) -> bool:
        return self.have < self.preferred

    @property
    def full(self) -> bool:
        return self.have >= self.maximum

    @property
    def label(self) -> str:
        return f"{self.title} · {self.when}"


class Names:
    """What engine ids stand for, in words: volunteers, teams, targets, skills."""

    def __init__(self, targets: dict[str, Target], locale: str | None = None) -> None:
        self.targets = targets
        self.locale = locale
        self._volunteers: dict[str, str] = {}
        self._teams: dict[str, str] = {}
        self._skills = {s.code: s.label(locale) for s in db.session.scalars(select(Skill))}

    def load_people(self, volunteer_ids: set[int], team_ids: set[int]) -> None:
        missing = {v for v in volunteer_ids if ids.volunteer_id(v) not in self._volunteers}
        if missing:
            for vid, name in db.session.execute(
                select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(missing))
            ):
                self._volunteers[ids.volunteer_id(vid)] = name
        missing = {t for t in team_ids if ids.team_id(t) not in self._teams}
        if missing:
            for tid, name in db.session.execute(
                select(Team.id, Team.name).where(Team.id.in_(missing))
            ):
                self._teams[ids.team_id(tid)] = name

    def load_ids(self, engine_ids: set[str]) -> None:
        refs = []
        for x in engine_ids:
            try:
                refs.append(ids.parse(str(x)))
            except ValueError:
                continue
        self.load_people(
            {r.id for r in refs if r.kind == "volunteer"}, {r.id for r in refs if r.kind == "team"}
        )

    def of(self, engine_id: object) -> str:
        key = str(engine_id)
        if key in self._volunteers:
            return self._volunteers[key]
        if key in self._teams:
            return self._teams[key]
        if key in self.targets:
            return self.targets[key].label
        return key

    def skill(self, code: object) -> str:
        if code == ids.ANY_SKILL or code is None:
            return _("any volunteer")
        return self._skills.get(str(code), str(code))


# --------------------------------------------------------------------------- targets of a plan


def load_targets(
    plan: Plan, *, with_people: bool = True, only: set[str] | None = None
) -> dict[str, Target]:
    """The targets the engine planned for this plan (all, or ``only`` these), in board order,
    with their people and explanations."""
    specs = {t["id"]: t for t in plan.targets if only is None or t["id"] in only}
    rows: list[Assignment] = []
    if with_people:
        query = (
            select(Assignment)
            .where(Assignment.plan_id == plan.id)
            .options(selectinload(Assignment.volunteer), selectinload(Assignment.team))
            .order_by(Assignment.id)
        )
        if only is not None:
            refs = [ids.parse(t) for t in only]
            query = query.where(
                Assignment.post_id.in_([r.id for r in refs if r.kind == "post"])
                | Assignment.need_id.in_([r.id for r in refs if r.kind == "slot"])
            )
        rows = [r for r in db.session.scalars(query) if only is None or target_of(r) in only]
        for row in rows:  # a target added by hand after the solve (cannot happen, but be safe)
            specs.setdefault(
                target_of(row),
                {"id": target_of(row), "min": 0, "max": 0, "preferred": 0, "dates": 0},
            )
    targets = describe_targets(specs)
    for row in rows:
        targets[target_of(row)].people.append(row)
    for e in plan.explanations:
        if e.get("target") in targets:
            targets[e["target"]].explanations.append(e)
    return targets


def fill_counts(plan: Plan) -> dict[str, tuple[int, int]]:
    """Per target: (people who count, rows with the withdrawn), in one grouped query."""
    counted = func.sum(case((Assignment.status == "withdrawn", 0), else_=1))
    rows = db.session.execute(
        select(Assignment.post_id, Assignment.need_id, Assignment.weekday, counted, func.count())
        .where(Assignment.plan_id == plan.id)
        .group_by(Assignment.post_id, Assignment.need_id, Assignment.weekday)
    )
    out: dict[str, tuple[int, int]] = {}
    for post_id, need_id, weekday, have, total in rows:
        key = ids.target_id(post_id, need_id, weekday)
        before = out.get(key, (0, 0))
        out[key] = (before[0] + int(have or 0), before[1] + total)
    return out


PAGE_TARGETS = 60
PAGE_ROWS = 200


@dataclass
class Review:
    """One page of the plan review: board columns or table rows, the targets on the page (with
    their people and explanations), the paging and the whole plan's summary."""

    page: Page
    targets: dict[str, Target]
    columns: list[Target]
    rows: list[tuple[Target, Assignment]]
    summary: adapter.Summary


def summary(plan: Plan, counts: dict[str, tuple[int, int]] | None = None) -> adapter.Summary:
    """The plan's seats, counted as the adapter counts a solve's (withdrawn people left out)."""
    counts = fill_counts(plan) if counts is None else counts
    return adapter.summarise(
        ((t["id"], t.get("min", 0), t.get("preferred", t.get("min", 0))) for t in plan.targets),
        {tid: have for tid, (have, _rows) in counts.items()},
    )


def review(plan: Plan, *, table: bool, home: str, short: bool, page: int) -> Review:
    """The targets of one page, filtered by home and to those short of people. Only those are
    described and given their people; totals come from one grouped count, so that the page
    stays quick on a county-sized plan."""
    counts = fill_counts(plan)
    shown = [
        t
        for t in plan.targets
        if (not home or str(t.get("home")) == home)
        and (not short or counts.get(t["id"], (0, 0))[0] < t.get("preferred", t.get("min", 0)))
    ]
    first_row = 0
    if table:
        sizes = [counts.get(t["id"], (0, 0))[1] for t in shown]
        paged, first_row = page_of_groups(shown, sizes, page, PAGE_ROWS)
    else:
        paged = page_of(shown, page, PAGE_TARGETS)
    targets = load_targets(plan, only={t["id"] for t in paged.items})
    ordered = [targets[t["id"]] for t in paged.items if t["id"] in targets]
    rows = [(t, a) for t in ordered for a in t.people][first_row : first_row + PAGE_ROWS]
    return Review(
        paged, targets, [] if table else ordered, rows if table else [], summary(plan, counts)
    )


def describe_targets(specs: dict[str, dict]) -> dict[str, Target]:
    """Titles, places and times for engine target ids (two queries)."""
    refs = {tid: ids.parse(tid) for tid in specs}
    need_ids = {r.id for r in refs.values() if r.kind == "slot"}
    post_ids = {r.id for r in refs.values() if r.kind == "post"}
    needs = (
        {
            n.id: n
            for n in db.session.scalars(
                select(Need)
                .where(Need.id.in_(need_ids))
                .options(
                    selectinload(Need.event).selectinload(Event.home), selectinload(Need.skill)
                )
            )
        }
        if need_ids
        else {}
    )
    posts = (
        {
            p.id: p
            for p in db.session.scalars(
                select(Post).where(Post.id.in_(post_ids)).options(selectinload(Post.home))
            )
        }
        if post_ids
        else {}
    )
    out: dict[str, Target] = {}
    for tid, spec in specs.items():
        ref = refs[tid]
        first = date.fromisoformat(spec["first"]) if spec.get("first") else None
        last = date.fromisoformat(spec["last"]) if spec.get("last") else None
        common = {
            "first": first,
            "last": last,
            "dates": spec.get("dates", 0),
            "minimum": spec.get("min", 0),
            "maximum": spec.get("max", 0),
            "preferred": spec.get("preferred", spec.get("min", 0)),
        }
        if ref.kind == "slot":
            need = needs.get(ref.id)
            if need is None:
                out[tid] = Target(tid, "slot", _("(removed)"), "", "", **common)
                continue
            event = need.event
            when = (
                f"{weekday_label(ref.weekday)} {hhmm(event.start_minute)}–{hhmm(event.end_minute)}"
            )
            out[tid] = Target(
                tid,
                "slot",
                event.title,
                event.home.name,
                when,
                skill=need.skill.code if need.skill else ids.ANY_SKILL,
                home_id=event.home_id,
                **common,
            )
        else:
            post = posts.get(ref.id)
            if post is None:
                out[tid] = Target(tid, "post", _("(removed)"), "", "", **common)
                continue
            place = post.home.name if post.home is not None else post.address
            when = f"{post.starts_on:%m-%d} – {post.ends_on:%m-%d}"
            out[tid] = Target(tid, "post", post.name, place, when, home_id=post.home_id, **common)
            if post.cancelled_at is not None:
                out[tid].title = _("%(name)s (cancelled)", name=post.name)
    return out


def names_for(plan: Plan, targets: dict[str, Target], locale: str | None) -> Names:
    names = Names(targets, locale)
    people = {a.volunteer_id for t in targets.values() for a in t.people}
    teams = {a.team_id for t in targets.values() for a in t.people if a.team_id}
    for e in plan.explanations:
        for value in (e.get("params") or {}).values():
            if isinstance(value, str):
                try:
                    ref = ids.parse(value)
                except ValueError:
                    continue
                if ref.kind == "volunteer":
                    people.add(ref.id)
                elif ref.kind == "team":
                    teams.add(ref.id)
    names.load_people(people, teams)
    return names


# --------------------------------------------------------------------------- the diff


@dataclass
class Change:
    volunteer_id: int
    name: str
    target: str
    before: str | None = None  # moved: where from
    team: str = ""  # moved with their team (its name)


@dataclass
class PlanDiff:
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    withdrawn: list[Change] = field(default_factory=list)

    @property
    def affected(self) -> set[int]:
        """The people to tell: added, removed and moved (not those who withdrew themselves)."""
        return {c.volunteer_id for c in (*self.added, *self.removed, *self.moved)}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved)

    @property
    def team_moves(self) -> list[tuple[str, str | None, str, int]]:
        """(team, from, to, people) for each team that moved whole."""
        moves: dict[str, set[tuple[str | None, str]]] = defaultdict(set)
        people: dict[str, int] = defaultdict(int)
        for c in self.moved:
            if c.team:
                moves[c.team].add((c.before, c.target))
                people[c.team] += 1
        return [
            (team, *next(iter(m)), people[team]) for team, m in sorted(moves.items()) if len(m) == 1
        ]


def previous_proposal(plan: Plan) -> Plan | None:
    """The proposal that "solve again, keeping the pins" started from (None for a first solve)."""
    run = plan.solve_run
    previous = (run.parameters or {}).get("pins_from") if run is not None else None
    return db.session.get(Plan, previous) if previous else None


def diff_against(base: Plan, plan: Plan) -> PlanDiff:
    """Per volunteer: targets only in the base are removed, only in the plan added; a removal
    and an addition of the same person pair up as a move (with their team: the team moved
    whole). Withdrawals of the base are listed. The base is a published plan (its confirmed
    rows) or the proposal a re-solve started from (all its rows)."""
    old_rows = list(db.session.scalars(select(Assignment).where(Assignment.plan_id == base.id)))
    new_rows = list(db.session.scalars(select(Assignment).where(Assignment.plan_id == plan.id)))
    proposal = base.published_at is None
    old = {
        (a.volunteer_id, target_of(a))
        for a in old_rows
        if (not a.is_withdrawn if proposal else a.is_confirmed)
    }
    teams = {(a.volunteer_id, target_of(a)): a.team_id for a in (*old_rows, *new_rows)}
    new = {(a.volunteer_id, target_of(a)) for a in new_rows if not a.is_withdrawn}
    withdrawn = [(a.volunteer_id, target_of(a)) for a in old_rows if a.is_withdrawn]
    gone: dict[int, list[str]] = defaultdict(list)
    came: dict[int, list[str]] = defaultdict(list)
    for v, t in sorted(old - new):
        gone[v].append(t)
    for v, t in sorted(new - old):
        came[v].append(t)
    everyone = set(gone) | set(came) | {v for v, _ in withdrawn}
    specs = {t: {"id": t} for _, t in old | new}
    specs.update({t: {"id": t} for _, t in withdrawn})
    labels = describe_targets(specs)
    people: dict[int, str] = {}
    if everyone:
        query = select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(everyone))
        people = {vid: name for vid, name in db.session.execute(query)}
    team_ids = {t for t in teams.values() if t}
    team_names: dict[int, str] = (
        dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())
        if team_ids
        else {}
    )
    out = PlanDiff()
    for v in sorted(set(gone) | set(came), key=lambda x: (people.get(x, ""), x)):
        g, c = gone.get(v, []), came.get(v, [])
        pairs = min(len(g), len(c))
        for before, after in zip(g[:pairs], c[:pairs], strict=True):
            team = teams.get((v, before))
            whole = team_names.get(team, "") if team and team == teams.get((v, after)) else ""
            out.moved.append(
                Change(v, people.get(v, ""), labels[after].label, labels[before].label, whole)
            )
        out.removed += [Change(v, people.get(v, ""), labels[t].label) for t in g[pairs:]]
        out.added += [Change(v, people.get(v, ""), labels[t].label) for t in c[pairs:]]
    out.withdrawn = [Change(v, people.get(v, ""), labels[t].label) for v, t in withdrawn]
    return out


def plan_state_label(state: str) -> str:
    return label_of(PLAN_STATE_LABELS, state)
