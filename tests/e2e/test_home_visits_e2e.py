"""End-to-end: the coordinator publishes a home-visit plan; a visitor opens today's route sheet
from My schedule on a phone (390 px), sees the guardian's phone, and records the first visit,
which writes a visit contact for the household's children."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from webapp import clock
from webapp.extensions import db
from webapp.models import CareLog, Plan

pytestmark = pytest.mark.e2e


def test_a_visitor_opens_the_route_sheet_from_the_schedule_and_records_a_visit(
    app, page, browser_login, phone, artifacts_dir
):
    today = clock.today()
    programme = factories.programme(
        kind="home_visits",
        name="2026年暑期家访",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=10),
    )
    a, b = (
        factories.volunteer_with_login(name="李老师"),
        factories.volunteer_with_login(name="王芳"),
    )
    home = factories.home(rooms=())
    programme.homes = [home]
    programme.volunteers = [a, b]
    a.lat, a.lon = 26.60, 107.50
    plan = factories.visit_plan(programme)
    first = factories.visit_household(
        village="石桥村", label="张家", children=2, home=home, lat=26.61, lon=107.50
    )
    second = factories.visit_household(
        village="水口村", label="杨家", home=home, lat=26.62, lon=107.51
    )
    for position, household in enumerate((first, second), start=1):
        factories.visit_placement(
            plan, household, a, b, day=today, position=position, route_minutes=95
        )
    coordinator = factories.user(roles=("coordinator",))

    browser_login(coordinator.email)
    page.goto(f"/planning/plans/{plan.id}/publish")
    assert "李老师" in page.locator("#publish-told").inner_text()
    page.click("#publish-button")
    page.wait_for_url(f"**/planning/plans/{plan.id}/routes")
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "published"

    tab = phone(a.user.email)
    tab.goto("/me/schedule")
    tab.click(f"#route-hv{programme.id}-{today:%Y%m%d}")
    tab.wait_for_selector("#route-summary")
    assert "王芳" in tab.locator("#route-summary").inner_text()
    stop = tab.locator(f"#stop-{first.id}")
    assert first.children[0].guardian_phone in stop.inner_text()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    stop.locator("button[type=submit]").click()
    tab.wait_for_selector(f"#stop-{first.id} .visited")
    tab.screenshot(path=str(artifacts_dir / "home-visits-route-phone.png"), full_page=True)
    db.session.expire_all()
    logs = db.session.scalars(select(CareLog).where(CareLog.kind == "visit")).all()
    assert sorted(log.child_id for log in logs) == sorted(c.id for c in first.children)
    assert all(log.volunteer_id == a.id for log in logs)
