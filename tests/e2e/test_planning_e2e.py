"""The demo coordinator plans the summer in the browser: solve, watch the progress, read why a
post stays empty, pin, solve again, publish, record a withdrawal, re-plan, see a diff that
touches only what must change, publish again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.blueprints.planning import dispatch
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, Plan, Programme

pytestmark = pytest.mark.e2e


def _wait_for_the_run(page) -> None:
    page.wait_for_url(re.compile(r".*/planning/runs/\d+$"))
    page.wait_for_selector("#run-progress[data-status=done]", timeout=60_000)
    assert page.locator("#objective").inner_text() != "–"
    page.click("#review-plan")
    page.wait_for_url(re.compile(r".*/planning/plans/\d+$"))


def test_coordinator_plans_the_summer_from_solve_to_replan(app, page, browser_login, artifacts_dir):
    load_demo_county()
    db.session.commit()
    summer = db.session.scalar(
        select(Programme).where(Programme.kind == "summer").order_by(Programme.id)
    )
    browser_login("coordinator@example.org", app.config["DEMO_PASSWORD"])

    page.click("#main-nav a[href='/planning/']")
    page.click(f"a[href='/planning/programmes/{summer.id}']")
    page.click("#solve-form button[type=submit]")
    _wait_for_the_run(page)

    # Why the remote post stays empty, in words.
    remote = page.locator("article.target", has_text="远山村教学点")
    assert remote.locator(".fill strong").inner_text() == "0/3"
    why = remote.locator(".why").inner_text()
    assert "远山村教学点" in why and "出行" in why
    page.screenshot(path=str(artifacts_dir / "planning-review.png"), full_page=True)

    # Pin one assignment (htmx swaps its column), then solve again: the pin holds.
    first = page.locator("article.target li.person").first
    pinned_name = first.locator(".who a").first.inner_text()
    column = first.locator("xpath=ancestor::article[1]").get_attribute("id")
    first.locator("[data-action=pin]").click()
    page.wait_for_selector(f"#{column} .badge.ok:has-text('📌')")
    page.click("#resolve-button")
    _wait_for_the_run(page)
    assert (
        page.locator(f"#{column} li.person", has_text=pinned_name)
        .locator(".badge", has_text="📌")
        .count()
        == 1
    )

    # Publish.
    page.click("#publish-button")
    page.wait_for_url(re.compile(r".*/publish$"))
    page.click("#publish-button")
    page.wait_for_selector("#plan-state.ok")
    first_plan = db.session.scalar(
        select(Plan).where(Plan.programme_id == summer.id, Plan.state == "published")
    )
    assert first_plan is not None

    # A single volunteer (no team) withdraws; the coordinator records it.
    single = page.locator("li.person:not(:has(.team))").first
    name = single.locator(".who a").first.inner_text()
    single.locator("summary[data-action=withdraw]").click()
    single.locator(".withdraw-form button").click()
    page.wait_for_selector("li.person-withdrawn")

    # Re-plan: the diff shows the withdrawal and at most one replacement, nothing else.
    page.click("#replan-button")
    _wait_for_the_run(page)
    assert name in page.locator("#diff-withdrawn").inner_text()
    assert page.locator("#diff-removed").count() == 0
    assert page.locator("#diff-moved").count() == 0
    assert page.locator("#diff-added li").count() <= 1
    page.screenshot(path=str(artifacts_dir / "planning-replan.png"), full_page=True)
    told_before = db.session.query(OutboxMessage).count()
    page.click("#publish-button")
    page.wait_for_url(re.compile(r".*/publish$"))
    page.click("#publish-button")
    page.wait_for_selector("#plan-state.ok")

    db.session.expire_all()
    plans = list(db.session.scalars(select(Plan).where(Plan.programme_id == summer.id)))
    assert [p.state for p in plans].count("published") == 1
    assert db.session.get(Plan, first_plan.id).state == "superseded"
    withdrawn = db.session.scalar(
        select(Assignment).where(
            Assignment.plan_id == first_plan.id, Assignment.status == "withdrawn"
        )
    )
    assert withdrawn.volunteer.name == name
    # Only people in the diff were told (demo students have no accounts: nobody here).
    assert db.session.query(OutboxMessage).count() - told_before <= 1
    assert dispatch.wait(timeout=30)


def test_moving_the_only_leader_away_is_flagged_and_publishing_is_refused(app, page, browser_login):
    """The issue's repro in the browser: 叶强, the only one at 石门村小学 who can lead, moved to
    龙潭村小学. The card says so, the publish page shows it without a button, and a POST sent
    straight to the server is refused too."""
    from tests.blueprints.planning.helpers import proposal
    from webapp.blueprints.planning import ids
    from webapp.models import Post, Volunteer

    load_demo_county()
    db.session.commit()
    summer = db.session.scalar(
        select(Programme).where(Programme.kind == "summer").order_by(Programme.id)
    )
    plan = proposal(summer)
    shimen = db.session.scalar(select(Post).where(Post.name == "石门村小学"))
    longtan = db.session.scalar(select(Post).where(Post.name == "龙潭村小学"))
    ye = db.session.scalar(select(Volunteer).where(Volunteer.name == "叶强"))
    row = db.session.scalar(
        select(Assignment).where(Assignment.plan_id == plan.id, Assignment.volunteer_id == ye.id)
    )
    browser_login("coordinator@example.org", app.config["DEMO_PASSWORD"])
    page.goto(f"/planning/plans/{plan.id}")
    card = f"#target-{ids.post_id(shimen.id)}"
    assert page.locator(f"{card} .why-broken").count() == 0

    page.locator(f"{card} li.person", has_text="叶强").locator("[data-action=move]").click()
    page.select_option(f"#move-target-{row.id}", ids.post_id(longtan.id))
    page.click("#move-form button[type=submit]")
    page.wait_for_selector(f"{card} .why-broken")
    assert "领队" in page.locator(f"{card} .why-broken").inner_text()
    assert "叶强" in page.locator(f"#target-{ids.post_id(longtan.id)}").inner_text()

    page.click("#publish-button")
    page.wait_for_url(re.compile(r".*/publish$"))
    assert "石门村小学" in page.locator("#publish-broken").inner_text()
    assert page.locator("#publish-form").count() == 0

    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(url, {method: "POST", headers: {"X-CSRFToken": token}});
            return response.status;
        }""",
        f"/planning/plans/{plan.id}/publish",
    )
    assert status == 409
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).state == "proposed"
