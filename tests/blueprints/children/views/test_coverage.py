"""/children/coverage and /children/coverage.xlsx through HTTP."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.blueprints.children import coverage_world as world
from webapp import clock
from webapp.blueprints.children import coverage, coverage_export, reported
from webapp.extensions import db
from webapp.models import ChildAccess, CoverageMonth


def _this_month() -> str:
    return clock.today().strftime("%Y-%m")


def _row(html: str, home_id: int) -> list[int]:
    found = re.search(rf'data-home-id="{home_id}">(.*?)</tr>', html, re.S)
    assert found, home_id
    return [int(n) for n in re.findall(r'class="num">(?:<strong>)?(\d+)', found.group(1))]


def test_coordinator_sees_counts_per_township_home_and_school_and_the_overdue_list(
    coordinator_client,
):
    built = world.county(seed=4)
    today = clock.today()
    late = world.child(built["homes"][0], school="石门中学", pseudonym="晚到的小明")
    world.duty(late, today - timedelta(days=3))
    response = coordinator_client.get(f"/children/coverage?month={_this_month()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    report = coverage.month_report(today.replace(day=1))
    for home in report.homes:
        c = home.counts
        assert _row(html, home.home_id) == [c.children, c.talk, c.call, c.visit, c.overdue]
    east, west = built["townships"]
    assert east.name in html and west.name in html and "石门中学" in html
    assert "晚到的小明" in html and f'href="/children/{late.id}"' in html
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert html.count("<rect x=") == 6 * 3


def test_a_home_manager_sees_only_their_homes_and_no_child(app):
    manager = factories.user(roles=["home_manager"])
    mine = factories.home(managers=(manager,))
    theirs = factories.home()
    kid = world.child(mine, pseudonym="本家童QX")
    world.duty(kid, clock.today() - timedelta(days=3))
    world.child(theirs)
    client = app.test_client()
    client.post("/auth/login", data={"email": manager.email, "password": factories.PASSWORD})
    html = client.get("/children/coverage").get_data(as_text=True)
    assert mine.name in html and theirs.name not in html
    assert _row(html, mine.id) == [1, 0, 0, 0, 1]
    assert "本家童QX" not in html


def test_recording_a_contact_raises_the_page_count_by_one(coordinator_client):
    home = factories.home()
    kid = world.child(home)
    world.child(home)
    before = _row(coordinator_client.get("/children/coverage").get_data(as_text=True), home.id)
    world.contact(kid, "visit", clock.today())
    after = _row(coordinator_client.get("/children/coverage").get_data(as_text=True), home.id)
    assert after[3] == before[3] + 1 and after[:3] == before[:3]


def test_a_past_month_is_shown_with_its_own_counts(coordinator_client):
    kid = world.child(factories.home())
    last_month = coverage.previous_month(clock.today().replace(day=1))
    world.contact(kid, "talk", last_month)
    html = coordinator_client.get(
        f"/children/coverage?month={last_month.strftime('%Y-%m')}"
    ).get_data(as_text=True)
    assert _row(html, kid.home_id) == [1, 1, 0, 0, 0]


def test_a_bad_month_is_a_400_with_the_reason(coordinator_client):
    for url in ("/children/coverage?month=2026-13", "/children/coverage.xlsx?month=March"):
        response = coordinator_client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 400, url
        assert "YYYY-MM" in response.get_data(as_text=True)
    future = (clock.today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    response = coordinator_client.get(f"/children/coverage.xlsx?month={future}")
    assert response.status_code == 400
    assert db.session.scalar(select(ChildAccess.id)) is None


def test_xlsx_has_chinese_headers_counts_only_and_no_child_named(coordinator_client):
    built = world.county(seed=9)
    response = coordinator_client.get(f"/children/coverage.xlsx?month={_this_month()}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == coverage_export.EXPORT_HEADER
    names = {c.pseudonym for c in built["children"]} | {c.real_name for c in built["children"]}
    for row in rows:
        for cell in row:
            assert not any(name in str(cell) for name in names if cell is not None), cell
    report = coverage.month_report(clock.today().replace(day=1))
    homes = {row[3]: row[5:] for row in rows[1:] if row[1] == "之家"}
    for home in report.homes:
        c = home.counts
        assert homes[home.name] == [c.children, c.talk, c.call, c.visit, c.overdue]
    assert rows[-1][1] == "全县合计" and rows[-1][5] == report.total.children


def test_every_export_is_written_to_the_access_log(coordinator_client):
    world.child(factories.home())
    coordinator_client.get(f"/children/coverage.xlsx?month={_this_month()}")
    logged = db.session.scalars(select(ChildAccess)).all()
    assert [(a.child_id, a.action, a.user_id) for a in logged] == [
        (None, "export", coordinator_client.user.id)
    ]
    assert _this_month() in logged[0].detail


def test_the_page_is_chinese_first_and_english_on_request(coordinator_client):
    assert "覆盖" in coordinator_client.get("/children/coverage").get_data(as_text=True)
    english = coordinator_client.get("/children/coverage", headers={"Accept-Language": "en"})
    assert "Coverage" in english.get_data(as_text=True)


def test_exporting_an_ended_month_stores_its_counts_for_later_views(coordinator_client):
    home = factories.home()
    kid = world.child(home, pseudonym="将被删除")
    last_month = coverage.previous_month(clock.today().replace(day=1))
    world.contact(kid, "talk", last_month)
    text = last_month.strftime("%Y-%m")
    assert coordinator_client.get(f"/children/coverage.xlsx?month={text}").status_code == 200
    response = coordinator_client.post(f"/children/{kid.id}/erase", data={"confirm": "erase"})
    assert response.status_code in (200, 204, 302, 303)
    html = coordinator_client.get(f"/children/coverage?month={text}").get_data(as_text=True)
    assert _row(html, home.id) == [1, 1, 0, 0, 0] and 'id="coverage-stored"' in html
    live = coordinator_client.get("/children/coverage").get_data(as_text=True)
    assert _row(live, home.id)[0] == 0


def test_exporting_the_running_month_stores_nothing(coordinator_client):
    world.child(factories.home())
    coordinator_client.get(f"/children/coverage.xlsx?month={_this_month()}")
    assert db.session.scalar(select(CoverageMonth.month)) is None


def test_the_page_runs_the_same_statements_for_a_bigger_county(
    coordinator_client, count_statements
):
    world.county(seed=1, children_per_home=2)
    small = count_statements(lambda: coordinator_client.get("/children/coverage"))
    world.county(seed=2, children_per_home=12)
    last_month = coverage.previous_month(clock.today().replace(day=1))
    assert count_statements(lambda: coordinator_client.get("/children/coverage")) == small
    for month in coverage.recent_months(last_month)[-2:]:
        reported.close_month(month)
    db.session.commit()
    # Reported months are read, not counted: a couple of statements more, still none per row.
    assert count_statements(lambda: coordinator_client.get("/children/coverage")) <= small + 2


def test_a_managers_export_has_their_homes_only_and_stores_the_whole_county(app):
    manager = factories.user(roles=["home_manager"])
    mine = factories.home(managers=(manager,))
    theirs = factories.home()
    world.child(mine)
    world.child(theirs)
    client = app.test_client()
    client.post("/auth/login", data={"email": manager.email, "password": factories.PASSWORD})
    last_month = coverage.previous_month(clock.today().replace(day=1))
    response = client.get(f"/children/coverage.xlsx?month={last_month.strftime('%Y-%m')}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert {row[3] for row in rows if row[1] == "之家"} == {mine.name}
    stored = coverage.month_report(last_month)
    assert stored.stored and {h.name for h in stored.homes} == {mine.name, theirs.name}
