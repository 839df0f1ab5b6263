"""End-to-end on a phone (390x844): a weekly tutor skips one date of a published plan, sees it
fold away from "coming up" (and from the count of dates), the other dates stay; the home's
manager sees the gap on the session page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from webapp.clock import today
from webapp.extensions import db

pytestmark = pytest.mark.e2e
WEEKS = 12


def test_skipping_one_date_on_a_phone(app, phone, artifacts_dir):
    manager = factories.user(roles=("home_manager",), name="吴老师")
    home = factories.home(managers=(manager,), name="石门留守儿童之家")
    monday = today() + timedelta(days=7 - today().weekday())
    event = factories.series(home.rooms[0], first_date=monday, weekdays=(1,), count=WEEKS,
                             needs=({"skill": None},), title="阅读")  # fmt: skip
    programme = factories.programme(kind="tutoring", starts_on=monday,
                                    ends_on=monday + timedelta(weeks=WEEKS))  # fmt: skip
    tutor = factories.volunteer_with_login(name="李秀兰", phone="13700000001")
    assignment = factories.assignment(
        tutor, plan=factories.plan(programme), need_id=event.needs[0].id, weekday=1
    )
    second = sorted(event.occurrences, key=lambda o: o.starts_at)[1]
    key = f"o{second.id}-n{event.needs[0].id}"
    db.session.commit()
    del assignment

    tab = phone(tutor.user.email)
    tab.goto("/me/schedule")
    expect(tab.locator("#show-all-upcoming")).to_contain_text(f"显示全部 {WEEKS} 个日期")
    entry = tab.locator(f"#entry-{key}")
    expect(entry).to_be_visible()
    # Withdrawing from every date is behind a confirmation; one date is one tap.
    expect(tab.get_by_role("button", name="确定退出全部日期")).to_be_hidden()
    entry.get_by_role("button", name="这次不来").click()
    expect(tab.locator(".flash-success")).to_contain_text("其他日期照常")
    expect(tab.locator("#show-all-upcoming")).to_contain_text(f"显示全部 {WEEKS - 1} 个日期")
    upcoming_list = tab.locator("#upcoming > ul.schedule-list")
    expect(upcoming_list.locator(f"#entry-{key}")).to_have_count(0)
    folded = tab.locator("#called-off")
    expect(folded.locator("summary")).to_contain_text("1 个已取消或不来的日期")
    expect(folded.locator(f"#entry-{key}")).to_be_hidden()  # folded away until opened
    folded.locator("summary").click()
    expect(folded.locator(f"#entry-{key}")).to_contain_text("本次不来")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    tab.screenshot(path=str(artifacts_dir / "one-date-skipped-390.png"), full_page=True)

    # The manager sees who is not coming, and the gap, on the session page.
    staff = phone(manager.email)
    staff.goto(f"/homes/{home.id}/bookings/{second.id}")
    who = staff.locator("#need-signups")
    expect(who).to_contain_text("缺 1 人")
    expect(who).to_contain_text("李秀兰")
    expect(who).to_contain_text("13700000001")
    assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
