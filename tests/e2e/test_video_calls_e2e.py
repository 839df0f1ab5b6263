"""End-to-end: the coordinator publishes a video-call rota (the page says what it books and
whom it tells); the home's manager opens the week list on a phone (390 px) and marks today's
call held, which records a video-call contact for both siblings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog, Plan

pytestmark = pytest.mark.e2e


def test_a_rota_is_published_and_todays_call_marked_held_on_a_phone(
    app, page, browser_login, phone, artifacts_dir
):
    now = clock.now()
    start = (now + timedelta(minutes=60)).replace(second=0, microsecond=0)
    if start.date() != now.date() or start.hour * 60 + start.minute > 23 * 60 + 30:
        pytest.skip("no call time is left today")
    manager = factories.user(roles=("home_manager",))
    home = factories.home(name="石门村留守儿童之家", managers=(manager,), rooms=())
    room = factories.room(home=home, kind="video_call", name="亲情视频室")
    programme = factories.call_programme(homes=(home,), ends_on=clock.today() + timedelta(weeks=2))
    a, b = (factories.child(home=home, pseudonym=p) for p in ("小花", "小草"))
    a.guardian_phone = "13800000001"
    factories.household(children=(a, b))
    plan = factories.call_plan(programme)
    hhmm = f"{start:%H:%M}"
    for child in (a, b):
        factories.call_placement(plan, child, room, weekday=now.weekday(), start=hhmm)
        factories.parents_times(child, weekday=now.weekday(), start=hhmm, end="23:59")
    coordinator = factories.user(roles=("coordinator",))

    browser_login(coordinator.email)
    page.goto(f"/planning/plans/{plan.id}/publish")
    assert "亲情视频室" in page.locator(f"#calls-home-{home.id}").inner_text()
    page.screenshot(path=str(artifacts_dir / "video-calls-publish.png"), full_page=True)
    page.click("#publish-button")
    page.wait_for_url(f"**/planning/plans/{plan.id}")
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "published"

    tab = phone(manager.email)
    tab.goto(f"/homes/{home.id}/week")
    assert "小花、小草" in tab.locator(".call-slot").first.inner_text()
    tab.click("#week-calls")
    row = tab.locator("table.calls tbody tr").first
    assert "小花" in row.inner_text() and "13800000001" in row.inner_text()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    row.locator(".call-held-button").click()
    tab.wait_for_selector(".call-held")
    tab.screenshot(path=str(artifacts_dir / "video-calls-held-phone.png"), full_page=True)
    db.session.expire_all()
    logs = db.session.scalars(select(CareLog).where(CareLog.kind == "video_call")).all()
    assert sorted(log.child_id for log in logs) == sorted([a.id, b.id])
