"""Term tutoring as the engine sees it: one slot per need and weekday of a weekly series."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.homes import availability as av
from webapp.blueprints.planning import ids
from webapp.blueprints.planning.adapter.shared import (
    Built,
    Target,
    engine_volunteer,
    forbidden_pairs,
    last_targets,
    load_volunteers,
    place_of,
    skill_key,
)
from webapp.extensions import db
from webapp.models import (
    Event,
    Need,
    Occurrence,
    Programme,
    Volunteer,
)
from webapp.scheduling import Need as EngineNeed
from webapp.scheduling import Slot as EngineSlot
from webapp.scheduling import (
    TimeWindow,
    TutoringProblem,
)


def build_tutoring(programme: Programme, withdrawn: tuple[tuple[int, str], ...]) -> Built:
    targets, slots = _tutoring_targets(programme)
    rows = load_volunteers([v.id for v in programme.volunteers])
    last = last_targets(programme, targets)
    volunteers, notes = [], []
    for row in rows:
        vid = ids.volunteer_id(row.id)
        windows = tuple(
            TimeWindow(w.weekday, w.start_minute, w.end_minute) for w in row.weekly_availability
        )
        if not windows:
            notes.append(("no_weekly_availability", {"volunteer": vid}))
        volunteers.append(
            engine_volunteer(
                row,
                skills=frozenset(s.code for s in row.skills) | {ids.ANY_SKILL},
                availability=windows,
                unavailable_targets=_absent_slots(row, targets.values()),
                last_targets=last.get(row.id, frozenset()),
            )
        )
    forbidden = forbidden_pairs(programme, targets, withdrawn)
    problem = TutoringProblem(tuple(volunteers), tuple(slots), forbidden=forbidden)
    return Built(programme.id, "tutoring", problem, targets, notes=notes)


def _tutoring_targets(programme: Programme) -> tuple[dict[str, Target], list[EngineSlot]]:
    homes = {h.id: h for h in programme.homes}
    if not homes:
        return {}, []
    pairs = db.session.execute(
        select(Need, Event)
        .join(Event, Event.id == Need.event_id)
        .where(Event.home_id.in_(homes), Need.open_for_signup.is_(False), Need.max_headcount > 0)
        .options(selectinload(Need.skill))
        .order_by(Event.id, Need.id)
    ).all()
    events = {e.id: e for _, e in pairs}
    if not events:
        return {}, []
    # Occurrences by local date: take a day's margin in UTC, then keep the programme's dates.
    lo = datetime.combine(programme.starts_on - timedelta(days=1), datetime.min.time(), UTC)
    hi = datetime.combine(programme.ends_on + timedelta(days=2), datetime.min.time(), UTC)
    occurrences = db.session.execute(
        select(Occurrence.event_id, Occurrence.starts_at, Occurrence.ends_at).where(
            Occurrence.event_id.in_(events),
            Occurrence.status == "confirmed",
            Occurrence.starts_at >= lo,
            Occurrence.starts_at < hi,
        )
    ).all()
    # (event, weekday) -> dates, earliest start and latest end in local minutes
    spans: dict[tuple[int, int], list] = {}
    for event_id, starts_at, ends_at in occurrences:
        home = homes[events[event_id].home_id]
        start, end = av.to_local(home, starts_at), av.to_local(home, ends_at)
        day = start.date()
        if not programme.starts_on <= day <= programme.ends_on:
            continue
        first_minute = start.hour * 60 + start.minute
        last_minute = first_minute + int((ends_at - starts_at).total_seconds() // 60)
        last_minute = min(last_minute, 24 * 60) if end.date() != day else end.hour * 60 + end.minute
        key = (event_id, day.weekday())
        span = spans.setdefault(key, [[], first_minute, last_minute])
        span[0].append(day)
        span[1], span[2] = min(span[1], first_minute), max(span[2], last_minute)
    targets: dict[str, Target] = {}
    slots: list[EngineSlot] = []
    for need, event in pairs:
        home = homes[event.home_id]
        location = place_of(home.lat, home.lon, home.name)
        for weekday in range(7):
            span = spans.get((event.id, weekday))
            if span is None:
                continue
            dates = tuple(sorted(span[0]))
            sid = ids.slot_id(need.id, weekday)
            preferred = need.preferred_headcount
            engine_need = EngineNeed(
                skill_key(need.skill),
                need.min_headcount,
                need.max_headcount,
                preferred,
                need.vetting_required,
            )
            slot = EngineSlot(
                sid,
                ids.home_id(home.id),
                weekday,
                span[1],
                span[2],
                (engine_need,),
                location,
                event.title,
                dates[-1],
            )
            slots.append(slot)
            targets[sid] = Target(
                sid,
                "slot",
                home.id,
                dates[0],
                dates[-1],
                need.min_headcount,
                need.max_headcount,
                engine_need.preferred_count,
                need_id=need.id,
                weekday=weekday,
                dates=dates,
                location=location,
                continuity_key=(home.id, weekday, event.start_minute, need.skill_id),
                skill=engine_need.skill,
            )
    return targets, slots


def _presence(row: Volunteer) -> Callable[[date], bool] | None:
    """Whether the volunteer is there on a day, from the date ranges (None: no ranges)."""
    available = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "available"]
    away = [(r.starts_on, r.ends_on) for r in row.date_ranges if r.kind == "away"]
    if not available and not away:
        return None

    def present(day: date) -> bool:
        if available and not any(a <= day <= b for a, b in available):
            return False
        return not any(a <= day <= b for a, b in away)

    return present


def _absent_slots(row: Volunteer, targets: Iterable[Target]) -> frozenset[str]:
    """Slots on whose dates the volunteer is mostly absent (more than half of them)."""
    present = _presence(row)
    if present is None:
        return frozenset()
    verdict: dict[tuple[date, ...], bool] = {}
    out = set()
    for t in targets:
        if t.dates not in verdict:
            absent = sum(not present(d) for d in t.dates)
            verdict[t.dates] = absent * 2 > len(t.dates)
        if verdict[t.dates]:
            out.add(t.id)
    return frozenset(out)
