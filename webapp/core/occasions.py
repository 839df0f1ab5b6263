"""What a message is about, in words the reader can act on: the activity, the place (home or post,
with its village), the dates (first to last, weekday and time) and whom to contact.

The builders read rows; the texts are made when a message template asks for them, so inside
render_message (webapp/core/outbox.py), in the reader's language and with dates in its locale
("2026年12月15日周二" or "Tue, Dec 15, 2026"; a one-day range printed once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

from webapp.clock import CHINA
from webapp.core.commitments import Commitment, commitments
from webapp.core.contacts import contacts_for, phones_of, unique_people
from webapp.extensions import db
from webapp.labels import join_list, weekday_label
from webapp.models import Assignment, Home, Need, Occurrence, Post, Skill, User, Volunteer
from webapp.models.base import utcnow

DAY = "yMMMEd"  # year, month, day and weekday, as the locale writes them


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str = ""
    email: str = ""

    def text(self) -> str:
        """ "王芳 13800000000" (or the e-mail when no phone is known)."""
        reach = self.phone or self.email
        return f"{self.name} {reach}" if reach else self.name


class Contacts(list):
    """Contacts, written as one list in the reader's language."""

    def text(self) -> str:
        return join_list(c.text() for c in self)


@dataclass
class Occasion:
    """One thing a volunteer does (a session, a weekly slot, a post) or a home's date."""

    activity: str
    place: str  # the home's or the post's name
    village: str = ""  # township and village, from the home's or the post's place
    address: str = ""
    room: str = ""
    skill: Skill | None = None
    first: date | None = None
    last: date | None = None
    weekdays: tuple[int, ...] = ()  # a weekly assignment: its weekdays
    start_minute: int | None = None  # None: whole days (a post)
    end_minute: int | None = None
    dates: int = 1
    contacts: Contacts = field(default_factory=Contacts)

    # -- texts, in the language of the moment (the reader's, inside render_message)

    def what(self) -> str:
        if self.skill is None:
            return self.activity
        label = self.skill.label(str(get_locale()))
        return _("%(activity)s (%(subject)s)", activity=self.activity, subject=label)

    def where(self) -> str:
        text = self.place
        if self.village and self.village not in text:
            text = _("%(place)s, %(village)s", place=text, village=self.village)
        if self.address and self.address not in text:
            text = _("%(place)s, %(address)s", place=text, address=self.address)
        return f"{text} · {self.room}" if self.room else text

    def when(self) -> str:
        days = date_range(self.first, self.last)
        if self.start_minute is None:
            return days
        times = f"{_hhmm(self.start_minute)}–{_hhmm(self.end_minute or 0)}"
        if self.dates <= 1 or not self.weekdays:
            return f"{days} {times}"
        weekdays = join_list(weekday_label(d) for d in self.weekdays)
        return _(
            "every %(weekday)s %(time)s, %(dates)s (%(count)s dates)",
            weekday=weekdays,
            time=times,
            dates=days,
            count=self.dates,
        )

    def contact_text(self) -> str:
        return Contacts(self.contacts).text()


@dataclass(frozen=True)
class Closing:
    """Why dates were cancelled: a closure of the home or of a room (dates and reason), or a room
    no longer bookable (no dates). Sent with the cancellation, written in each reader's language."""

    first: date | None = None
    last: date | None = None
    reason: str = ""
    room: str = ""

    def text(self) -> str:
        if self.first is None:
            return _("%(room)s is closed.", room=self.room)
        dates = date_range(self.first, self.last)
        if self.room:
            return _(
                "%(room)s is closed %(dates)s: %(reason)s",
                room=self.room,
                dates=dates,
                reason=self.reason,
            )
        return _("Closed %(dates)s: %(reason)s", dates=dates, reason=self.reason)


def date_range(first: date | None, last: date | None) -> str:
    """First to last day with weekdays, in the current locale; one day is written once."""
    if first is None:
        return ""
    locale = get_locale()
    if last is None or last == first:
        return format_skeleton(DAY, first, locale=locale)
    return format_interval(first, last, DAY, locale=locale)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def contacts(people: Iterable[User | None]) -> Contacts:
    """The people, each once, with the phone of their volunteer profile where there is one."""
    unique = unique_people(people)
    phones = phones_of(unique)
    return Contacts(Contact(p.name, phones.get(p.id, ""), p.email) for p in unique)


def _village(home: Home | None, post: Post | None = None) -> str:
    place = (post.place if post is not None else None) or (home.place if home else None)
    return place.full_name if place is not None else ""


def _local(moment: datetime, tz: str | None) -> datetime:
    return moment.astimezone(ZoneInfo(tz) if tz else CHINA)


# --- builders ---------------------------------------------------------------------------------


def of_occurrence(occurrence: Occurrence, need: Need | None = None) -> Occasion:
    """One date of a home's event; whom to ask: its organiser and the home's managers."""
    event = occurrence.event
    home = occurrence.room.home
    start, end = (
        _local(occurrence.starts_at, home.timezone),
        _local(occurrence.ends_at, home.timezone),
    )
    return Occasion(
        activity=event.title,
        place=home.name,
        village=_village(home),
        room=occurrence.room.name,
        skill=need.skill if need is not None else None,
        first=start.date(),
        last=start.date(),
        start_minute=start.hour * 60 + start.minute,
        end_minute=end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60,
        contacts=contacts([event.organiser, *home.managers]),
    )


def of_post(post: Post) -> Occasion:
    home = post.home
    return Occasion(
        activity=post.name,
        place=home.name if home is not None else post.name,
        village=_village(home, post),
        address="" if home is not None else post.address,
        first=post.starts_on,
        last=post.ends_on,
        dates=(post.ends_on - post.starts_on).days + 1,
        contacts=contacts(home.managers if home is not None else []),
    )


def of_slot(
    need: Need, weekday: int, first: date | None, last: date | None, dates: int
) -> Occasion:
    """A weekly slot of a plan: the need's event on one weekday, from `first` to `last`."""
    event = need.event
    home = event.home
    return Occasion(
        activity=event.title,
        place=home.name,
        village=_village(home),
        room=event.room.name,
        skill=need.skill,
        first=first,
        last=last,
        weekdays=(weekday,),
        start_minute=event.start_minute,
        end_minute=event.end_minute,
        dates=dates,
        contacts=contacts([event.organiser, *home.managers]),
    )


def of_visit(entry: Commitment) -> Occasion:
    """A day of home visits: its villages, its hours, and the other visitor of the pair to
    contact (the households and guardians are on the route sheet only)."""
    local = entry.starts_at.astimezone(entry.zone)
    end = entry.ends_at.astimezone(entry.zone)
    partner = db.session.get(Volunteer, entry.partner_id) if entry.partner_id else None
    people = Contacts([Contact(partner.name, partner.phone or "", "")]) if partner else Contacts()
    return Occasion(
        activity=entry.title,
        place=entry.place,
        first=local.date(),
        last=local.date(),
        start_minute=local.hour * 60 + local.minute,
        end_minute=end.hour * 60 + end.minute,
        contacts=people,
    )


def of_entries(entries: list[Commitment]) -> Occasion:
    """An assignment's dates as the commitments read model gives them (not empty)."""
    first = entries[0]
    if first.post_id is not None:
        return of_post(db.session.get(Post, first.post_id))
    occurrence = db.session.get(Occurrence, first.occurrence_id)
    need = db.session.get(Need, first.need_id) if first.need_id else None
    occasion = of_occurrence(occurrence, need)
    occasion.last = entries[-1].first_day
    occasion.dates = len(entries)
    occasion.weekdays = tuple(sorted({e.first_day.weekday() for e in entries}))
    return occasion


def of_assignment(assignment: Assignment, entries: list[Commitment] | None = None) -> Occasion:
    """What, where and when of an assignment (its dates still to come, when any are left), and
    whom to ask about it (contacts_for: organiser and managers, or the plan's coordinators)."""
    if entries is None:
        mine = [
            c
            for c in commitments([assignment.volunteer_id], include_cancelled=False)
            if c.assignment_id == assignment.id
        ]
        now = utcnow()
        entries = [c for c in mine if c.starts_at > now] or mine
    if entries:
        occasion = of_entries(entries)
    elif assignment.post_id is not None:
        occasion = of_post(assignment.post)
    elif assignment.occurrence is not None:
        occasion = of_occurrence(assignment.occurrence, assignment.need)
    else:  # a weekly assignment with no date left
        occasion = of_slot(assignment.need, assignment.weekday or 0, None, None, 0)
    occasion.contacts = contacts(contacts_for(assignment))
    return occasion
