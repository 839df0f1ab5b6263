"""End-to-end, on the demo county: the coordinator solves the summer home visits in the browser
(the run page, then the board of pairs and routes), moves one visit by hand, publishes, and
opens a route sheet; then re-plans the published video-call rota and reviews it on a 390 px
phone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import Plan, Programme, VisitPlacement

pytestmark = pytest.mark.e2e


def _wait_for_the_run(page) -> None:
    page.wait_for_url(re.compile(r".*/planning/runs/\d+$"))
    page.wait_for_selector("#run-progress[data-status=done]", timeout=60_000)
    page.click("#review-plan")
    page.wait_for_url(re.compile(r".*/planning/plans/\d+$"))


def test_coordinator_solves_moves_and_publishes_the_home_visits(
    app, page, browser_login, artifacts_dir
):
    load_demo_county()
    db.session.commit()
    visits = db.session.scalar(select(Programme).where(Programme.kind == "home_visits"))
    browser_login("coordinator@example.org", app.config["DEMO_PASSWORD"])

    page.goto(f"/planning/programmes/{visits.id}")
    assert "户" in page.locator("#visit-households").inner_text()
    page.click("#solve-form button[type=submit]")
    _wait_for_the_run(page)
    assert page.locator("section.visit-pair").count() >= 2
    page.screenshot(path=str(artifacts_dir / "home-visits-board.png"), full_page=True)

    # Move the first visit of the first pair to another of its days: refused or done, the
    # page says which, in words.
    first = page.locator("section.visit-pair li").first
    first.locator("a[href*='/visit-placements/']").click()
    page.wait_for_url(re.compile(r".*/visit-placements/\d+/move$"))
    options = page.locator("#target option")
    assert options.count() >= 2
    page.select_option("#target", index=options.count() - 1)
    page.click("#visit-move-form button[type=submit]")
    moved = page.url.endswith("/move") is False
    if not moved:
        assert page.locator("#move-error").inner_text()
        page.click("main a[href^='/planning/plans/']")  # back to the plan

    page.click("#publish-button")
    page.wait_for_url(re.compile(r".*/publish$"))
    page.click("#publish-button")  # publishing opens the route sheets
    page.wait_for_url(re.compile(r".*/routes$"))
    db.session.expire_all()
    plan = db.session.scalar(
        select(Plan).where(Plan.programme_id == visits.id, Plan.state == "published")
    )
    assert plan is not None
    row = db.session.scalars(
        select(VisitPlacement).where(VisitPlacement.plan_id == plan.id)
    ).first()
    lo, hi = sorted((row.first_visitor_id, row.second_visitor_id))
    page.goto(f"/planning/plans/{plan.id}/routes?pair={lo}-{hi}&day={row.day.isoformat()}")
    assert row.household.label in page.content()
    page.screenshot(path=str(artifacts_dir / "home-visits-routes.png"), full_page=True)


def test_coordinator_replans_the_video_call_rota_on_a_phone(app, phone, artifacts_dir):
    load_demo_county()
    db.session.commit()
    calls = db.session.scalar(select(Programme).where(Programme.kind == "video_calls"))
    tab = phone("coordinator@example.org", app.config["DEMO_PASSWORD"])
    tab.goto(f"/planning/programmes/{calls.id}")
    tab.click("#published-plan")
    tab.wait_for_selector("section.call-room")
    tab.click("#replan-button")
    _wait_for_the_run(tab)
    assert tab.locator("section.call-room").count() >= 1
    assert "名儿童中" in tab.locator("#totals").inner_text()
    if tab.locator("#unplaced li").count():
        assert tab.locator("#unplaced .why").first.inner_text()  # the reason, in words
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    tab.screenshot(path=str(artifacts_dir / "video-calls-replan-phone.png"), full_page=True)
