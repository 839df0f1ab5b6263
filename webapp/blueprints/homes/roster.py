"""Who comes to a home's sessions: for the session page and the printable week roster.

Read from the commitments read model (webapp/core/commitments), so that a published plan's
weekly tutors and the volunteers' own sign-ups are counted the one way schedules and feeds
count them; the waitlist is read from the sign-ups themselves (waiting is not a commitment).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.homes import availability as av
from webapp.core.commitments import commitments
from webapp.extensions import db
from webapp.models import Assignment, Event, Home, Need, Occurrence, Room, Volunteer


@dataclass(frozen=True)
class Comer:
    name: str
    phone: str
    planned: bool  # from a published plan (else: their own sign-up)
    skipped: bool = False  # a weekly tutor who is not coming on this one date


@dataclass
class NeedRoster:
    need: Need
    coming: list[Comer] = field(default_factory=list)
    skipped: list[Comer] = field(default_factory=list)
    waiting: list[Comer] = field(default_factory=list)

    @property
    def short(self) -> int:
        """How many are missing to reach the need's minimum on this date."""
        return max(0, self.need.min_headcount - len(self.coming))


@dataclass
class SessionRoster:
    occurrence: Occurrence
    needs: list[NeedRoster]

    @property
    def short(self) -> int:
        return sum(n.short for n in self.needs)


def _people(ids) -> dict[int, Volunteer]:
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids)))}


def rosters(occurrences: list[Occurrence]) -> dict[int, SessionRoster]:
    """occurrence id -> who comes to each of its needs, who skips the date, who waits."""
    # A cancelled, declined or requested date has nobody coming and no gap to fill.
    dated = [o for o in occurrences if o.event.needs and o.status == "confirmed"]
    if not dated:
        return {}
    ids = {o.id for o in dated}
    days = [av.to_local(o.room.home, o.starts_at).date() for o in dated]
    entries = [
        e
        for e in commitments(None, min(days), max(days))
        if e.occurrence_id in ids and (not e.cancelled or e.skipped)
    ]
    waiting = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.occurrence_id.in_(ids), Assignment.status == "waitlisted")
            .order_by(Assignment.id)
        )
    )
    people = _people({e.volunteer_id for e in entries} | {a.volunteer_id for a in waiting})
    by_need: dict[tuple[int, int], NeedRoster] = {}
    out = {}
    for o in dated:
        needs = [NeedRoster(need) for need in o.event.needs]
        by_need.update({(o.id, n.need.id): n for n in needs})
        out[o.id] = SessionRoster(o, needs)
    for e in sorted(entries, key=lambda e: (people[e.volunteer_id].name_key, e.volunteer_id)):
        row = by_need.get((e.occurrence_id, e.need_id))
        if row is None:
            continue
        person = people[e.volunteer_id]
        # A programme's row (its plan, or one date handed over from it) is planned.
        planned = e.plan_id is not None or e.programme_id is not None
        comer = Comer(person.name, person.phone or "", planned, e.skipped)
        (row.skipped if e.skipped else row.coming).append(comer)
    for a in waiting:
        row = by_need.get((a.occurrence_id, a.need_id))
        if row is not None:
            person = people[a.volunteer_id]
            row.waiting.append(Comer(person.name, person.phone or "", False))
    return out


@dataclass
class RosterDay:
    day: date
    sessions: list[SessionRoster]


@dataclass
class HomeWeek:
    home: Home
    days: list[RosterDay]


def week(homes: list[Home], monday: date) -> list[HomeWeek]:
    """Every confirmed session with volunteer needs of the homes in the week from monday."""
    out = []
    for home in homes:
        start, end = av.local_day_bounds(home, monday, monday + timedelta(days=6))
        found = list(
            db.session.scalars(
                select(Occurrence)
                .join(Room, Room.id == Occurrence.room_id)
                .join(Event, Event.id == Occurrence.event_id)
                .where(
                    Room.home_id == home.id,
                    Occurrence.status == "confirmed",
                    Occurrence.starts_at < end,
                    Occurrence.ends_at > start,
                    Event.needs.any(),
                )
                .options(selectinload(Occurrence.event).selectinload(Event.needs))
                .order_by(Occurrence.starts_at, Occurrence.id)
            )
        )
        sessions = rosters(found)
        by_day: dict[date, list[SessionRoster]] = defaultdict(list)
        for o in found:
            by_day[av.to_local(home, o.starts_at).date()].append(sessions[o.id])
        out.append(HomeWeek(home, [RosterDay(d, by_day[d]) for d in sorted(by_day)]))
    return out
