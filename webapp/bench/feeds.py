"""Benchmark of the private calendar feed on the database in DATABASE_URL.

`python -m webapp.bench.feeds`: makes a home, a volunteer with 200 confirmed sign-ups (200
events in the feed) and a feed token, then times through the real app (test client, full request
handling): the full 200-event feed, and conditional GETs answered 304. Prints JSON lines and
removes everything it created, also after a failure.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, insert, select

from webapp import clock
from webapp.bench import emit, percentile, run_as_script
from webapp.blueprints.feeds import tokens
from webapp.extensions import db
from webapp.models import Assignment, CalendarToken, Event, Home, Need, Occurrence, Room, Volunteer

HOME_NAME = "BENCH feeds home (bench.shouwang.invalid)"
EMAIL = "bench-feeds@bench.shouwang.invalid"


def cleanup() -> None:
    """Remove every row the benchmark made (safe to run at any time)."""
    db.session.rollback()
    volunteer_ids = select(Volunteer.id).where(Volunteer.email == EMAIL)
    db.session.execute(delete(Assignment).where(Assignment.volunteer_id.in_(volunteer_ids)))
    db.session.execute(delete(CalendarToken).where(CalendarToken.volunteer_id.in_(volunteer_ids)))
    db.session.execute(delete(Volunteer).where(Volunteer.email == EMAIL))
    home_ids = select(Home.id).where(Home.name == HOME_NAME)
    event_ids = select(Event.id).where(Event.home_id.in_(home_ids))
    db.session.execute(delete(Need).where(Need.event_id.in_(event_ids)))
    db.session.execute(delete(Occurrence).where(Occurrence.event_id.in_(event_ids)))
    db.session.execute(delete(Event).where(Event.home_id.in_(home_ids)))
    db.session.execute(delete(Room).where(Room.home_id.in_(home_ids)))
    db.session.execute(delete(Home).where(Home.name == HOME_NAME))
    db.session.commit()


def _seed(events: int) -> str:
    """The rows, written directly (the booking rules are not what is measured); returns the token."""
    home = Home(name=HOME_NAME, lat=26.56, lon=107.58)
    home.rooms = [Room(name="活动室", kind="activity", capacity=30)]
    volunteer = Volunteer(name="基准志愿者", kind="community", email=EMAIL, lat=26.55, lon=107.6)
    db.session.add_all([home, volunteer])
    db.session.flush()
    room = home.rooms[0]
    first = clock.today() - timedelta(days=events // 4)
    event = Event(
        home_id=home.id,
        room_id=room.id,
        title="作业辅导（基准）",
        kind="tutoring",
        capacity=20,
        first_date=first,
        start_minute=16 * 60,
        end_minute=17 * 60 + 30,
    )
    db.session.add(event)
    db.session.flush()
    need = Need(event_id=event.id, min_headcount=1, max_headcount=3, open_for_signup=True)
    db.session.add(need)
    now = clock.utcnow()
    rows = []
    for index in range(events):
        day = first + timedelta(days=index)
        starts = datetime.combine(day, datetime.min.time(), clock.CHINA).replace(hour=16)
        rows.append(
            {
                "event_id": event.id,
                "room_id": room.id,
                "starts_at": starts.astimezone(UTC),
                "ends_at": (starts + timedelta(minutes=90)).astimezone(UTC),
                "status": "confirmed",
                "sequence": 0,
                "note": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Occurrence), rows)
    db.session.flush()
    occurrence_ids = db.session.scalars(
        select(Occurrence.id).where(Occurrence.event_id == event.id)
    )
    db.session.execute(
        insert(Assignment),
        [
            {
                "volunteer_id": volunteer.id,
                "need_id": need.id,
                "occurrence_id": oid,
                "status": "confirmed",
                "source": "signup",
                "pinned": False,
                "note": "",
                "sequence": 0,
                "confirmed_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for oid in occurrence_ids
        ],
    )
    row = tokens.ensure("volunteer", volunteer.id, None)
    token = tokens.token_of(row)
    db.session.commit()
    return token


def _time(client, url: str, count: int, headers: dict, expect: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise click.ClickException(f"feed answered {response.status_code}, not {expect}")
    return timings


def _summary(name: str, timings: list[float], **extra) -> dict:
    """One JSON line of figures; with no requests timed (a count of 0) the figures are null."""
    total_seconds = sum(timings) / 1000
    return {
        "bench": name,
        "requests": len(timings),
        "requests_per_second": round(len(timings) / total_seconds, 1) if total_seconds else None,
        "p50_ms": round(statistics.median(timings), 2) if timings else None,
        "p95_ms": round(percentile(timings, 0.95), 2) if timings else None,
        "database": db.engine.dialect.name,
        **extra,
    }


def run(events: int, full_requests: int, conditional_requests: int) -> None:
    from webapp.blueprints.feeds import ical

    cleanup()
    config = current_app.config
    saved_ttl = config.get("FEED_CACHE_SECONDS", 30)
    try:
        token = _seed(events)
        client = current_app.test_client()
        url = f"/feeds/{token}.ics"
        # Every request rebuilds from the database; the first also serialises every VEVENT.
        config["FEED_CACHE_SECONDS"] = 0
        ical._vevent_bytes.cache_clear()
        started = time.perf_counter()
        first = client.get(url)
        cold_ms = (time.perf_counter() - started) * 1000
        if first.status_code != 200 or first.data.count(b"BEGIN:VEVENT") != events:
            raise click.ClickException(f"feed answered {first.status_code} with the wrong events")
        etag = first.headers["ETag"]
        timings = _time(client, url, full_requests, {}, 200)
        emit(
            _summary(
                "feed_full",
                timings,
                events=events,
                bytes=len(first.data),
                first_request_ms=round(cold_ms, 2),
                goal_ms=30,
            )
        )
        timings = _time(client, url, conditional_requests // 4, {"If-None-Match": etag}, 304)
        emit(_summary("feed_conditional_304_rebuilt", timings, events=events))
        # As served: the ETag is trusted for FEED_CACHE_SECONDS after the token check.
        config["FEED_CACHE_SECONDS"] = 30
        client.get(url)
        timings = _time(client, url, conditional_requests, {"If-None-Match": etag}, 304)
        emit(_summary("feed_conditional_304", timings, events=events, goal_requests_per_second=300))
    finally:
        config["FEED_CACHE_SECONDS"] = saved_ttl
        cleanup()


@click.command("bench-feeds")
@click.option("--events", default=200, show_default=True)
@click.option("--full-requests", default=100, show_default=True)
@click.option("--conditional-requests", default=1000, show_default=True)
@with_appcontext
def bench_feeds(events: int, full_requests: int, conditional_requests: int) -> None:
    """Time the private calendar feed: full 200-event answers and conditional GETs (304)."""
    run(events, full_requests, conditional_requests)


if __name__ == "__main__":
    run_as_script(bench_feeds)
