"""Rosters to print and exports of a plan: Chinese headers, formula-safe cells, no child data."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests import factories
from tests.blueprints.planning.helpers import published, summer
from webapp.blueprints.planning import ids
from webapp.extensions import db


def test_csv_and_xlsx_exports_have_chinese_headers_and_safe_cells(app, coordinator_client):
    programme, posts, people, team = summer(posts=1, singles=1, team_size=2)
    people[0].name = "=HYPERLINK(1)"
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    response = coordinator_client.get(f"/planning/plans/{plan.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["项目", "驻点/课程", "地点", "时间", "日期", "姓名"]
    names = {r[5] for r in rows[1:]}
    assert "'=HYPERLINK(1)" in names and len(rows) == 4
    leader = team.leader
    assert any(r[9] == leader.name and r[10] == leader.phone for r in rows[1:])
    xlsx = coordinator_client.get(f"/planning/plans/{plan.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["项目", "驻点/课程"]
    assert coordinator_client.get(f"/planning/plans/{plan.id}/export.pdf").status_code == 404


def test_a_printable_roster_per_post_and_per_home_without_children(app, coordinator_client):
    home = factories.home(name="石门村留守儿童之家")
    factories.child(pseudonym="小明", home=home)
    programme, posts, people, team = summer(posts=1, singles=1, team_size=2)
    posts[0].home_id = home.id
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    one = coordinator_client.get(
        f"/planning/plans/{plan.id}/roster?target={ids.post_id(posts[0].id)}"
    ).get_data(as_text=True)
    assert "/static/roster." in one and team.leader.name in one and team.leader.phone in one
    assert "小明" not in one
    by_home = coordinator_client.get(f"/planning/plans/{plan.id}/roster?home={home.id}")
    assert by_home.status_code == 200 and posts[0].name in by_home.get_data(as_text=True)
    assert (
        coordinator_client.get(f"/planning/plans/{plan.id}/roster?target=p987").status_code == 404
    )


def test_exports_and_rosters_list_an_unfilled_post_and_a_one_day_post_once(app, coordinator_client):
    programme, posts, people, team = summer(posts=1, singles=1)
    post = posts[0]
    post.min_headcount, post.ends_on = 2, post.starts_on  # one volunteer for two places, one day
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    day = post.starts_on.isoformat()

    response = coordinator_client.get(f"/planning/plans/{plan.id}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    short = [r for r in rows[1:] if r[5] == "缺 1 人"]
    assert len(short) == 1 and short[0][1] == post.name and short[0][4] == day
    assert all(r[4] == day for r in rows[1:])  # a one-day post: its date once, no range

    xlsx = coordinator_client.get(f"/planning/plans/{plan.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.title == "排班"
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    minutes = [r[11] for r in values if r[11] not in (None, "")]
    assert minutes and all(isinstance(m, int) for m in minutes)  # numbers, not text
    assert any(r[5] == "缺 1 人" for r in values)
    widths = {sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert min(widths) >= 6 and max(widths) > 6  # sized to their cells

    url = f"/planning/plans/{plan.id}/roster?target={ids.post_id(post.id)}"
    english = coordinator_client.get(url).get_data(as_text=True)
    assert "1 person missing" in english and f"{day} –" not in english
    coordinator_client.user.locale = "zh_CN"
    db.session.commit()
    assert "缺 1 人" in coordinator_client.get(url).get_data(as_text=True)


def test_a_whole_plan_roster_lists_a_post_nobody_was_placed_at(app, coordinator_client):
    programme, posts, people, team = summer(posts=2, singles=1)
    posts[1].starts_on, posts[1].ends_on = posts[0].starts_on, posts[0].ends_on  # one can go
    db.session.commit()
    plan = published(programme, coordinator_client.user)
    page = coordinator_client.get(f"/planning/plans/{plan.id}/roster").get_data(as_text=True)
    assert posts[0].name in page and posts[1].name in page
    assert "1 person missing" in page
