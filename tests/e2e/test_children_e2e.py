"""End-to-end on a phone (390x844): a surrogate parent opens "my children", records a talk with
one tap, and the overdue mark goes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from webapp import clock

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_a_carer_records_a_talk_on_a_phone_and_the_overdue_mark_goes(
    app, _browser, live_server, artifacts_dir
):
    carer = factories.volunteer_with_login(kind="surrogate_parent", name="李秀兰")
    late = factories.pairing(
        volunteer=carer,
        child=factories.child(pseudonym="小雨"),
        started_on=clock.today() - timedelta(days=35),
    )
    factories.care_log(pairing=late, kind="visit", happened_on=clock.today() - timedelta(days=3))
    context = _browser.new_context(
        locale="zh-CN", base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        tab.goto("/auth/login")
        tab.fill("#email", carer.user.email)
        tab.fill("#password", factories.PASSWORD)
        tab.click("#login-form button[type=submit]")
        tab.wait_for_url("**/dashboard")
        tab.goto("/children/mine")
        card = tab.locator(f"#my-child-{late.child_id}")
        expect(card).to_have_attribute("data-overdue", "yes")
        expect(card.locator(".badge.error").first).to_contain_text("逾期")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        tab.screenshot(path=str(artifacts_dir / "children-mine-390.png"), full_page=True)
        card.locator("form.one-tap button", has_text="谈心").click()
        tab.wait_for_load_state()
        card = tab.locator(f"#my-child-{late.child_id}")
        expect(card).to_have_attribute("data-overdue", "no")
        expect(card.locator(".badge.error")).to_have_count(0)
        expect(card).to_contain_text(clock.today().isoformat())
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()
