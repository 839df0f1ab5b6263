"""The header on a 390 px phone: one row, the menu and the user menu behind buttons that open
without JavaScript, the current page named on the menu's button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.conftest import log_in_through_form

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# The bar's own controls: each one's top and bottom edge.
BAR_BOXES = """() => ['#nav-menu > summary', '.site-header .brand', '#user-menu > summary']
  .map(s => document.querySelector(s)).filter(Boolean)
  .map(e => { const b = e.getBoundingClientRect(); return [b.top, b.bottom]; })"""


def _phone(_browser, live_server, javascript: bool = True):
    context = _browser.new_context(
        locale="zh-CN", base_url=live_server, viewport=PHONE, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context


def _assert_one_row(page) -> None:
    boxes = page.evaluate(BAR_BOXES)
    assert len(boxes) == 3, boxes
    tops = [top for top, _bottom in boxes]
    bottoms = [bottom for _top, bottom in boxes]
    # Every control overlaps every other vertically: they stand side by side.
    assert max(tops) < min(bottoms), boxes
    height = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
    assert height < 80, f"header {height} px high"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_coordinators_header_is_one_row_and_its_menu_opens_and_leads_on(
    _browser, live_server, app, javascript
):
    coordinator = factories.user(name="县协调员 欧阳明远", roles=["coordinator"])
    context = _phone(_browser, live_server, javascript)
    page = context.new_page()
    try:
        log_in_through_form(page, coordinator.email)  # a plain form: it needs no JavaScript either
        page.goto("/volunteers/")
        _assert_one_row(page)
        menu = page.locator("#nav-menu")
        expect(menu.locator("summary")).to_contain_text("志愿者")  # the page we are on
        expect(page.locator("#main-nav")).to_be_hidden()
        expect(menu.get_by_role("link", name="实践队")).to_be_hidden()

        menu.locator("summary").click()
        expect(menu.get_by_role("link", name="实践队")).to_be_visible()
        expect(menu.locator("a[aria-current=page]")).to_have_text("志愿者")
        _assert_one_row(page)  # the open menu lies over the page, the bar stays one row
        menu.get_by_role("link", name="实践队").click()
        page.wait_for_url("**/volunteers/teams")
        expect(page.locator("#nav-menu summary")).to_contain_text("实践队")
        _assert_one_row(page)

        user_menu = page.locator("#user-menu")
        expect(user_menu.get_by_role("link", name="账号")).to_be_hidden()
        user_menu.locator("summary").click()
        expect(user_menu.get_by_role("link", name="账号")).to_be_visible()
        expect(user_menu.get_by_role("button", name="English")).to_be_visible()
        user_menu.get_by_role("button", name="退出登录").click()
        page.wait_for_url(re.compile(r".*/auth/login"))
    finally:
        context.close()


def test_the_menu_opens_from_the_keyboard(_browser, live_server, app):
    volunteer = factories.volunteer_with_login(name="李秀兰")
    context = _phone(_browser, live_server)
    page = context.new_page()
    try:
        log_in_through_form(page, volunteer.user.email)
        summary = page.locator("#nav-menu > summary")
        expect(summary).to_contain_text("工作台")
        summary.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#nav-menu")).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "工作台"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/opportunities/")
        expect(page.locator("#nav-menu > summary")).to_contain_text("志愿机会")
        _assert_one_row(page)
    finally:
        context.close()


def test_on_a_wide_screen_the_menu_items_stand_in_the_bar(page, browser_login):
    coordinator = factories.user(name="周明", roles=["coordinator"])
    browser_login(coordinator.email)
    expect(page.locator("#main-nav").get_by_role("link", name="志愿者")).to_be_visible()
    expect(page.locator("#nav-menu")).to_be_hidden()
    expect(page.locator("#language-form")).to_be_visible()
