"""End-to-end: coordinators and volunteers using the volunteers pages in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.e2e

HEADER = "name,kind,phone,email,skills\n"


def test_volunteer_edits_the_weekly_availability_grid_without_reloading(browser_login, app):
    user = factories.user(email="grid@example.org", roles=["volunteer"])
    factories.volunteer(name="网格志愿者", user=user)
    page = browser_login("grid@example.org")
    page.goto("/volunteers/me")
    expect(page.get_by_role("heading", name="网格志愿者")).to_be_visible()
    page.evaluate("window.__noReload = true")

    page.select_option("#weekday", "2")
    page.fill("#start", "16:00")
    page.fill("#end", "18:00")
    page.click("#weekly-form button[type=submit]")
    expect(page.locator('#weekly td[data-weekday="2"]')).to_contain_text("16:00–18:00")

    # An overlapping range on the same day is refused with a clear reason, in place.
    page.select_option("#weekday", "2")
    page.fill("#start", "17:00")
    page.fill("#end", "19:00")
    page.click("#weekly-form button[type=submit]")
    expect(page.locator("#weekly .field-error")).to_contain_text("16:00–18:00")

    # Outside 06:00–22:00 is refused too.
    page.fill("#start", "05:00")
    page.fill("#end", "07:00")
    page.click("#weekly-form button[type=submit]")
    expect(page.locator("#weekly .field-error")).to_contain_text("06:00")

    page.locator('#weekly td[data-weekday="2"] button').click()
    expect(page.locator('#weekly td[data-weekday="2"]')).not_to_contain_text("16:00")
    assert page.evaluate("window.__noReload") is True  # htmx swaps, never a full reload


def test_coordinator_imports_a_file_fixes_the_error_row_and_confirms(browser_login, app, tmp_path):
    factories.user(email="coord-import@example.org", roles=["coordinator"])
    bad = tmp_path / "volunteers.csv"
    bad.write_bytes(
        (HEADER + "导入甲,teacher,13811110001,,数学\n导入乙,teacher,12345,,魔法\n").encode("gbk")
    )
    page = browser_login("coord-import@example.org")
    page.goto("/volunteers/import")
    page.set_input_files("#file", str(bad))
    page.click("#import-form button[type=submit]")

    expect(page.get_by_role("heading", name="导入预览")).to_be_visible()
    error_row = page.locator('tr.row-error[data-line="3"]')
    expect(error_row).to_contain_text("魔法")
    expect(error_row.locator(".field-error").first).to_be_visible()
    expect(page.locator("#confirm-import")).to_have_count(0)

    fixed = tmp_path / "volunteers-fixed.csv"
    fixed.write_text(
        HEADER + "导入甲,teacher,13811110001,,数学\n导入乙,teacher,13811110002,,阅读\n",
        encoding="utf-8-sig",
    )
    page.click("#upload-again")
    page.set_input_files("#file", str(fixed))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-counts")).to_contain_text("新增 2 行")
    page.click("#confirm-import")

    page.wait_for_url(re.compile(r"/volunteers/$"))
    expect(page.locator(".flash-success")).to_contain_text("新增 2")
    expect(page.locator("#volunteer-table")).to_contain_text("导入乙")

    # Live search narrows the table without a reload and keeps the filter in the URL.
    page.fill("#q", "导入甲")
    expect(page.locator("#volunteer-table")).not_to_contain_text("导入乙")
    expect(page).to_have_url(re.compile(r"q=%E5%AF%BC%E5%85%A5%E7%94%B2|q=导入甲"))


def test_coordinator_pairs_a_surrogate_parent_who_then_logs_a_contact(browser_login, app, page):
    factories.user(email="coord-pair@example.org", roles=["coordinator"])
    parent_user = factories.user(email="parent@example.org", roles=["volunteer"])
    parent = factories.volunteer(name="爱心妈妈张", kind="surrogate_parent", user=parent_user)
    child = factories.child(pseudonym="小草", age_band="6_to_9")

    browser_login("coord-pair@example.org")
    page.goto("/children/pairings/new")
    page.select_option("#volunteer_id", str(parent.id))
    page.select_option("#child_id", str(child.id))
    page.click("#pairing-form button[type=submit]")
    expect(page.get_by_role("heading", name="爱心妈妈张 与 小草")).to_be_visible()

    page.context.clear_cookies()
    browser_login("parent@example.org")
    page.goto("/volunteers/me")
    page.get_by_role("link", name="小草").click()
    page.select_option("#kind", "visit")
    page.fill("#note", "家访，孩子作业完成得很好")
    page.click("#care-log-form button[type=submit]")
    expect(page.locator("#care-log tbody")).to_contain_text("家访，孩子作业完成得很好")
    expect(page.locator("#care-log tbody")).to_contain_text("家访")


def test_coordinator_invites_an_imported_volunteer_who_then_signs_in(
    browser_login, app, _browser, live_server
):
    factories.user(email="coord-invite@example.org", roles=["coordinator"])
    invited = factories.volunteer(name="受邀志愿者", email=None)
    page = browser_login("coord-invite@example.org")
    page.goto(f"/volunteers/{invited.id}")
    page.get_by_role("button", name="邀请登录").click()
    link = page.locator("#invite-link").input_value()
    assert "/auth/invite/" in link

    context = _browser.new_context(locale="zh-CN")  # the volunteer's phone: no session
    phone = context.new_page()
    phone.goto(link)
    expect(phone.get_by_text("受邀志愿者")).to_be_visible()
    phone.fill("#email", "invited@example.org")
    phone.fill("#password", "short")
    phone.fill("#confirm", "short")
    phone.click("#invite-form button[type=submit]")
    expect(phone.locator(".field-error").first).to_contain_text("10")
    phone.fill("#password", "a-long-password")
    phone.fill("#confirm", "a-long-password")
    phone.click("#invite-form button[type=submit]")
    expect(phone.get_by_role("heading", name="受邀志愿者")).to_be_visible()
    assert phone.url.endswith("/volunteers/me")  # their own profile page
    context.close()

    page.reload()  # the coordinator now sees the account instead of the invitation
    expect(page.locator("#account-section")).to_contain_text("invited@example.org")


def test_coordinator_picks_a_township_then_a_village_for_the_home_base(browser_login, app, page):
    factories.user(email="coord-place@example.org", roles=["coordinator"])
    township = factories.place(name="石门乡", kind="township", lat=26.64, lon=107.44)
    factories.place(name="石门村", parent=township, lat=26.645, lon=107.432)
    village = factories.place(name="高坡村", parent=township, lat=26.668, lon=107.405)
    other = factories.place(name="白云镇", kind="township")
    factories.place(name="杨柳村", parent=other)

    browser_login("coord-place@example.org")
    page.goto("/volunteers/new")
    expect(page.locator("#village_id")).to_be_disabled()
    page.select_option("#township_id", str(township.id))
    villages = page.locator("#village_id option")
    expect(villages).to_have_count(3)  # "the whole township", 石门村, 高坡村
    expect(page.locator("#village_id")).to_contain_text("高坡村")
    expect(page.locator("#village_id")).not_to_contain_text("杨柳村")
    expect(page.locator("#place_name")).to_have_value("石门乡")

    page.select_option("#village_id", str(village.id))
    expect(page.locator("#place_name")).to_have_value("石门乡高坡村")
    expect(page.locator("#lat")).to_have_value("26.668")
    expect(page.locator("#township_id")).to_have_value(str(township.id))


def test_team_member_search_answers_every_search_typed(browser_login, app, page):
    factories.user(email="coord-team@example.org", roles=["coordinator"])
    team = factories.team(name="春晖队", programme="2026暑期")
    factories.volunteer(name="周晓", kind="college_student")
    factories.volunteer(name="吴悦", kind="college_student")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    browser_login("coord-team@example.org")
    page.goto(f"/volunteers/teams/{team.id}")
    page.fill("#candidate-q", "周晓")
    expect(page.locator("#candidates")).to_contain_text("周晓")
    page.fill("#candidate-q", "吴悦")
    expect(page.locator("#candidates")).to_contain_text("吴悦")
    expect(page.locator("#candidates")).not_to_contain_text("周晓")
    page.get_by_role("button", name="添加 吴悦").click()
    expect(page.locator("#team-members tbody")).to_contain_text("吴悦")
    # htmx wires swapped content when it settles; a person never types within those 20 ms.
    page.wait_for_function("() => !document.querySelector('.htmx-added, .htmx-settling')")
    page.fill("#candidate-q", "周晓")  # the form was swapped: searching still works
    expect(page.locator("#candidates")).to_contain_text("周晓")
    assert errors == [], errors
