"""A new volunteer and a coordinator use the real app in headless Chromium."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from webapp.extensions import db
from webapp.models import OutboxMessage


def _registration_link(address: str) -> str:
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == address))
    return re.search(r"https?://[^/\s]+(/auth/register/[^\s]+?)\s", body).group(1)


def test_register_switch_language_see_navigation_and_log_out(page, artifacts_dir):
    page.goto("/")
    page.locator("main").get_by_role("button", name="注册成为志愿者").click()
    page.fill("#name", "赵晓燕")
    page.fill("#email", "xiaoyan@example.org")
    page.fill("#phone", "13912345678")
    page.select_option("#kind", "surrogate_parent")
    page.get_by_role("button", name="发送注册链接").click()
    expect(page.locator("#register-sent")).to_contain_text("xiaoyan@example.org")

    page.goto(_registration_link("xiaoyan@example.org"))  # as if opened from the mailbox
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.get_by_role("button", name="创建账号").click()
    expect(page.locator(".field-error").first).to_contain_text("至少需要 10 个字符")

    page.fill("#password", "zhao-xiaoyan-2026")
    page.fill("#confirm", "zhao-xiaoyan-2026")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("赵晓燕")
    nav = page.locator("#main-nav")
    expect(nav).to_contain_text("工作台")
    expect(nav).not_to_contain_text("用户")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, 赵晓燕")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(artifacts_dir / "dashboard-volunteer-en.png"), full_page=True)

    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/auth/login"))
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=/dashboard"))


def test_coordinator_logs_in_and_sees_coordination_dashboard(page, browser_login, artifacts_dir):
    user = factories.user(name="周明", roles=["coordinator"])
    factories.volunteer()
    browser_login(user.email)
    expect(page.locator("#card-coordination")).to_contain_text("志愿者")
    expect(page.locator("#main-nav")).not_to_contain_text("用户")
    page.screenshot(path=str(artifacts_dir / "dashboard-coordinator.png"), full_page=True)


def test_admin_changes_a_role_with_htmx_without_reload(page, browser_login):
    admin = factories.user(name="管理员", roles=["admin"])
    target = factories.user(name="吴老师", roles=["volunteer"])
    browser_login(admin.email)
    page.locator("#main-nav").get_by_role("link", name="用户").click()
    row = page.locator(f"#user-{target.id}")
    row.get_by_label("之家管理员").check()
    row.get_by_role("button", name="保存角色").click()
    expect(page.locator(f"#user-{target.id}")).to_contain_text("已保存")
    page.reload()
    expect(page.locator(f"#user-{target.id}").get_by_label("之家管理员")).to_be_checked()


def test_wrong_password_shows_reason_in_the_browser(page):
    factories.user(email="someone@example.org")
    page.goto("/auth/login")
    page.fill("#email", "someone@example.org")
    page.fill("#password", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("邮箱或密码错误")
