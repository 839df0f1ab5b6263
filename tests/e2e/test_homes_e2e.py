"""A home manager in the browser: opening hours, a weekly video-call session, the week view,
and a clash refused with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.blueprints.homes.helpers import next_monday
from webapp.extensions import db
from webapp.models import Occurrence

pytestmark = pytest.mark.e2e


def test_manager_sets_hours_books_weekly_video_calls_and_sees_a_clash_refused(
    page, browser_login, artifacts_dir
):
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(
        name="石门村留守儿童之家", managers=(manager,), rooms=("activity", "video_call")
    )
    video_room = home.rooms[1]
    saturday = next_monday() + timedelta(days=5)
    term_end = saturday + timedelta(weeks=15)

    browser_login(manager.email)

    # Opening hours: Saturday mornings.
    page.goto(f"/homes/{home.id}/hours")
    page.check("#weekdays-5")
    page.fill("#start", "09:00")
    page.fill("#end", "12:00")
    page.click("#hours-form button[type=submit]")
    page.wait_for_selector(".hours-row")
    assert "09:00–12:00" in page.inner_text("table.timetable")

    # A weekly family video-call session for the term.
    page.goto(f"/homes/{home.id}/bookings/new")
    page.select_option("#room_id", str(video_room.id))
    page.select_option("#kind", "video_call")
    page.fill("#title", "周六亲情视频")
    page.fill("#date", saturday.isoformat())
    page.fill("#start", "10:00")
    page.fill("#end", "11:00")
    page.fill("#capacity", "4")
    page.check("#repeat")
    page.check("#weekdays-5")
    page.fill("#until", term_end.isoformat())
    page.click("#book-button")
    page.wait_for_url(f"**/homes/{home.id}/week?date={saturday.isoformat()}")

    # The week view shows it; the next week (via htmx) shows it too.
    booking_link = page.locator("a.booking", has_text="周六亲情视频")
    assert booking_link.count() == 1
    page.click("#calendar-next")
    page.wait_for_url(f"**/week?date={(next_monday() + timedelta(days=7)).isoformat()}")
    page.wait_for_selector("a.booking:has-text('周六亲情视频')")
    page.screenshot(path=str(artifacts_dir / "homes-week.png"), full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 16

    # Clicking the free 11:00 cell of the video-call room opens a pre-filled form ...
    page.goto(f"/homes/{home.id}/week?date={saturday.isoformat()}")
    page.click(f"a.free-slot[href*='room={video_room.id}&date={saturday.isoformat()}&start=11:00']")
    page.wait_for_selector("#booking-form")
    assert page.input_value("#room_id") == str(video_room.id)
    assert page.input_value("#date") == saturday.isoformat()
    assert page.input_value("#start") == "11:00"
    # ... but 10:30–11:30 overlaps the session and is refused with the reason.
    page.fill("#start", "10:30")
    page.fill("#end", "11:30")
    page.fill("#title", "临时视频通话")
    page.fill("#capacity", "2")
    page.click("#book-button")
    refusal = page.locator("#booking-refused")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "该房间已被预约" in text and "周六亲情视频" in text
    page.screenshot(path=str(artifacts_dir / "homes-clash-refused.png"), full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 16


def test_series_with_a_taken_date_books_the_others_after_the_manager_agrees(page, browser_login):
    from tests.blueprints.homes.helpers import at

    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,), rooms=("library",))
    monday = next_monday()
    taken = monday + timedelta(days=7)
    factories.booking(home.rooms[0], at(taken, "16:00"), at(taken, "17:00"), title="家长会")
    browser_login(manager.email)

    page.goto(f"/homes/{home.id}/bookings/new")
    page.select_option("#kind", "reading_club")
    page.select_option("#age_group", "6-8")
    page.fill("#title", "绘本阅读会")
    page.fill("#date", monday.isoformat())
    page.fill("#start", "16:00")
    page.fill("#end", "17:00")
    page.check("#repeat")
    page.check("#weekdays-0")
    page.fill("#count", "3")
    page.click("#book-button")
    refusal = page.locator("#booking-refused")
    refusal.wait_for()
    assert taken.isoformat() in refusal.inner_text() and "家长会" in refusal.inner_text()
    page.click("#skip-conflicts")
    page.wait_for_url(f"**/homes/{home.id}/week?date={monday.isoformat()}")
    db.session.expire_all()
    starts = db.session.scalars(select(Occurrence.starts_at)).all()
    assert len(starts) == 3  # the taken date kept its booking, the two others are new
