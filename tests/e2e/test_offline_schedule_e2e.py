"""My schedule offline: the volunteer's last schedule (and its .ics files) readable without a
network, marked "as of"; logging out forgets it; another person on the phone never sees it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Error, expect

from tests import factories
from tests.conftest import log_in_through_form
from webapp.clock import today

pytestmark = pytest.mark.e2e

# Resolves when a kept copy of the schedule and of `ics` .ics files is in Cache Storage.
KEPT = """async (ics) => {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const keys = (await cache.keys()).map(r => new URL(r.url).pathname);
    if (keys.includes('/me/schedule') && keys.filter(k => k.endsWith('.ics')).length >= ics) {
      return true;
    }
  }
  return false;
}"""
CACHES = "async () => (await caches.keys()).filter(n => n.startsWith('shouwang-offline-'))"
WORKERS = "async () => (await navigator.serviceWorker.getRegistrations()).length"


def _signed_up_volunteer(name: str, title: str):
    home = factories.home(name="石门村留守儿童之家")
    need, occurrence = factories.open_need(home, title=title)
    volunteer = factories.volunteer_with_login(name=name)
    factories.assignment(volunteer, need=need, occurrence=occurrence)
    return volunteer


def _until(page, script: str, arg=None, seconds: float = 15) -> None:
    """Poll an async script until it answers true (wait_for_function takes a promise as true)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {script}"
        time.sleep(0.1)


def _visit_schedule_until_kept(page) -> None:
    page.goto("/me/schedule")
    _until(page, KEPT, 1)


def test_the_schedule_reads_offline_as_of_its_time_and_logging_out_forgets_it(page):
    volunteer = _signed_up_volunteer("李秀兰", "绘本阅读会")
    log_in_through_form(page, volunteer.user.email)
    _visit_schedule_until_kept(page)
    note = page.locator("[data-offline-note]")
    expect(note).to_be_hidden()
    ics = page.locator("a[type='text/calendar']").first.get_attribute("href")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的日程")
    expect(page.locator("#upcoming")).to_contain_text("绘本阅读会")
    expect(note).to_be_visible()
    expect(note).to_contain_text(today().isoformat())
    expect(note).to_contain_text("北京时间")
    calendar = page.evaluate(
        "async (url) => { const r = await fetch(url); return [r.status, await r.text()]; }", ics
    )
    assert calendar[0] == 200 and "BEGIN:VCALENDAR" in calendar[1] and "绘本阅读会" in calendar[1]

    page.context.set_offline(False)
    page.reload()
    expect(note).to_be_hidden()  # from the network again
    page.locator("#user-menu summary").click()
    page.locator("#logout-button").click()
    page.wait_for_url(re.compile(r".*/auth/login"))
    assert page.evaluate(CACHES) == []
    assert page.evaluate(WORKERS) == 0

    page.context.set_offline(True)
    with pytest.raises(Error, match="net::ERR_(INTERNET_DISCONNECTED|FAILED)"):
        page.goto("/me/schedule")


def test_another_person_on_the_same_phone_never_gets_the_first_ones_copy(page):
    first = _signed_up_volunteer("李秀兰", "绘本阅读会")
    second = factories.volunteer_with_login(name="王建国")
    log_in_through_form(page, first.user.email)
    _visit_schedule_until_kept(page)
    assert len(page.evaluate(CACHES)) == 1

    # The first person's session ends without a log-out (it ran out); the second logs in.
    page.context.clear_cookies()
    log_in_through_form(page, second.user.email)
    _until(page, f"async () => (await ({CACHES})()).length === 0")

    page.context.set_offline(True)
    with pytest.raises(Error, match="net::ERR_(INTERNET_DISCONNECTED|FAILED)"):
        page.goto("/me/schedule")


def test_only_the_schedule_and_its_ics_files_are_kept(page):
    volunteer = _signed_up_volunteer("李秀兰", "绘本阅读会")
    log_in_through_form(page, volunteer.user.email)
    _visit_schedule_until_kept(page)
    page.goto("/volunteers/me")  # another page of the same person: not kept
    kept = page.evaluate(
        """async () => {
          const out = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const r of await cache.keys()) out.push(new URL(r.url).pathname);
          }
          return out.sort();
        }"""
    )
    assert kept[0] == "/me/schedule"
    assert len(kept) == 2
    assert re.fullmatch(r"/me/schedule/o\d+-n\d+\.ics", kept[1]), kept
