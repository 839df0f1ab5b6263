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
