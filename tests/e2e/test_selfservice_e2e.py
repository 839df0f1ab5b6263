"""End-to-end on a phone (390x844): find an opportunity, sign up, see it in My schedule, copy the
feed URL and find it in the feed; a second volunteer waits, is promoted when the first withdraws,
and both of her messages arrive at a real SMTP server."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.blueprints.feeds.helpers import parse_both
from tests.blueprints.notifications.smtp_server import smtp_server
from webapp.blueprints.notifications import delivery

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_sign_up_schedule_feed_waitlist_and_promotion_on_a_phone(app, phone, artifacts_dir):
    home = factories.home(name="白云镇中心留守儿童之家")
    factories.open_need(home, title="周六绘本共读", max_headcount=1)
    first = factories.volunteer_with_login(name="李秀兰")
    second = factories.volunteer_with_login(name="王丽")

    # The first volunteer finds the opportunity from the menu and signs up.
    tab = phone(first.user.email)
    tab.goto("/opportunities/")
    card = tab.locator(".opportunity", has_text="周六绘本共读")
    expect(card).to_contain_text("剩余 1 个名额")
    _no_sideways_scroll(tab)
    tab.screenshot(path=str(artifacts_dir / "selfservice-opportunities-390.png"), full_page=True)
    card.get_by_role("button", name="报名").click()
    expect(tab.locator(".flash-success")).to_contain_text("报名成功")
    expect(card).to_contain_text("您已报名")

    # My schedule shows it, with the private feed link to copy.
    tab.get_by_role("link", name="我的日程").first.click()
    expect(tab.locator("#upcoming")).to_contain_text("周六绘本共读")
    _no_sideways_scroll(tab)
    tab.screenshot(path=str(artifacts_dir / "selfservice-schedule-390.png"), full_page=True)
    feed_url = tab.locator("#feed-url").input_value()
    assert tab.locator('a[type="text/calendar"]#feed-link').get_attribute("href") == feed_url
    with urllib.request.urlopen(feed_url) as response:  # as a phone's calendar app would
        assert "Set-Cookie" not in response.headers
        strict, _loose = parse_both(response.read())
    assert [e.summary for e in strict.events] == ["周六绘本共读"]

    # The second volunteer finds it full and joins the waitlist.
    other = phone(second.user.email)
    other.goto("/opportunities/")
    other_card = other.locator(".opportunity", has_text="周六绘本共读")
    expect(other_card).to_contain_text("已满")
    other_card.get_by_role("button", name="加入候补").click()
    expect(other.locator(".flash-warning")).to_contain_text("第 1 位")

    # The first withdraws; the second is promoted.
    tab.locator("#upcoming").get_by_role("button", name="退出").click()
    expect(tab.locator(".flash-success")).to_contain_text("您已退出")
    other.goto("/me/schedule")
    expect(other.locator("#upcoming")).to_contain_text("周六绘本共读")
    other.screenshot(path=str(artifacts_dir / "selfservice-promoted-390.png"), full_page=True)

    # Both of her messages (waitlisted, then promoted) arrive by e-mail.
    with smtp_server() as inbox:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_STARTTLS=False)
        try:
            delivery.send_outbox()
        finally:
            app.config["SMTP_HOST"] = ""
    subjects = [m["Subject"] for m in inbox.to(second.user.email)]
    assert any(s.startswith("已候补") for s in subjects), subjects
    assert any(s.startswith("候补成功") for s in subjects), subjects
