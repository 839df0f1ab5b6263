"""Turning feed events into an iCalendar file, the same bytes for the same events.

Every value comes from the database (UID from row identities, DTSTAMP and LAST-MODIFIED from the
last change, SEQUENCE from the rows' counters), never from the clock, so an unchanged feed is
byte-identical and its ETag holds. Times carry TZID with a VTIMEZONE; posts are all-day events.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

PRODID = "-//Shouwang 守望//Calendar feed//ZH"
REFRESH = timedelta(hours=1)
FORMAT_VERSION = "1"  # part of every ETag: bump when the output format changes


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    location: str
    description: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    tz: str
    all_day: bool
    sequence: int
    changed_at: datetime
    cancelled: bool


@cache
def _vtimezone(tzid: str) -> Timezone:
    # Fixed bounds keep the component the same from one build to the next.
    return Timezone.from_tzid(tzid, first_date=date(2000, 1, 1), last_date=date(2040, 1, 1))


def _key(e: FeedEvent) -> tuple:
    return (e.uid, e.summary, e.location, e.description, e.starts_at, e.ends_at, e.tz,
            e.all_day, e.sequence, e.changed_at, e.cancelled)  # fmt: skip


def etag(name: str, events: list[FeedEvent]) -> str:
    """A digest of everything the body is made from (cheap: no iCalendar is built)."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    digest.update(name.encode())
    digest.update(repr([_key(e) for e in events]).encode())
    return digest.hexdigest()[:32]


def last_modified(events: list[FeedEvent], default: datetime) -> datetime:
    latest = max((e.changed_at for e in events), default=default)
    return latest.astimezone(UTC).replace(microsecond=0)


def build(name: str, events: list[FeedEvent], description: str = "") -> bytes:
    """The feed: the calendar's head (with its VTIMEZONEs) and each VEVENT, all serialised by
    icalendar. A VEVENT's bytes depend only on its FeedEvent, so they are kept (LRU) and reused:
    a feed rebuilt after one change serialises one event, not two hundred."""
    zones = tuple(sorted({e.tz for e in events if not e.all_day} or {"Asia/Shanghai"}))
    head = _head(name, description, zones)
    end = b"END:VCALENDAR\r\n"
    return head[: -len(end)] + b"".join(_vevent_bytes(e) for e in events) + end


@lru_cache(maxsize=64)
def _head(name: str, description: str, zones: tuple[str, ...]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for tzid in zones:
        calendar.add_component(_vtimezone(tzid))
    return calendar.to_ical()


@lru_cache(maxsize=50_000)
def _vevent_bytes(item: FeedEvent) -> bytes:
    return _vevent(item).to_ical()


def _vevent(item: FeedEvent) -> Event:
    event = Event()
    stamp = item.changed_at.astimezone(UTC).replace(microsecond=0)
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    if item.all_day:
        zone = ZoneInfo(item.tz)
        event.add("dtstart", item.starts_at.astimezone(zone).date())
        event.add("dtend", item.ends_at.astimezone(zone).date())
    else:
        zone = ZoneInfo(item.tz)
        event.add("dtstart", item.starts_at.astimezone(zone).replace(tzinfo=zone))
        event.add("dtend", item.ends_at.astimezone(zone).replace(tzinfo=zone))
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
    return event
