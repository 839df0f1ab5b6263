"""Every action the app writes to the audit log reads as a sentence, not as a raw code."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from tests import factories
from webapp import audit
from webapp.blueprints.admin.audit_text import SENTENCES
from webapp.extensions import db
from webapp.models import AuditLog

WEBAPP = Path(__file__).resolve().parents[3] / "webapp"


def recorded_actions() -> set[str]:
    """The action codes in every `audit.record(...)` call of the app (both arms of a choice)."""
    found = set()
    for path in WEBAPP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
            ):
                found |= {
                    n.value
                    for n in ast.walk(node.args[0])
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }
    return found


def test_every_recorded_action_has_a_sentence():
    actions = recorded_actions()
    assert len(actions) > 40
    assert sorted(actions - set(SENTENCES)) == []


def test_planning_entries_name_the_programme_and_plan(app, admin_client):
    programme = factories.programme(name="2027年暑期三下乡")
    audit.record("programme.created", "programme", programme.id, actor_id=None)
    db.session.commit()
    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "创建了项目" in body and "2027年暑期三下乡" in body
    assert "<code>programme.created</code>" not in body  # the fallback for actions without one


def _details(body: str) -> str:
    """The text of the log's detail lines (the <dl> blocks), tags dropped, spaces folded."""
    blocks = re.findall(r'<dl class="facts">(.*?)</dl>', body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(blocks)))


def test_detail_lines_name_fields_codes_people_and_times_in_the_readers_language(app, admin_client):
    actor = factories.user(name="周明", roles=["coordinator"])
    programme = factories.programme(kind="summer", name="2027年暑期三下乡")
    first, second = (factories.post(programme, name=n) for n in ("石门村小学", "龙潭村小学"))
    volunteer = factories.volunteer(name="叶强")
    old = factories.plan(programme, state="superseded")
    new = factories.plan(programme, state="published")
    audit.record(
        "programme.saved",
        "programme",
        programme.id,
        before={"kind": "tutoring", "name": "暑期"},
        after={"kind": "summer", "name": programme.name},
        actor_id=actor.id,
    )
    audit.record(
        "plan.moved",
        "plan",
        new.id,
        before={"target": f"p{first.id}"},
        after={"volunteers": [volunteer.id], "target": f"p{second.id}"},
        actor_id=actor.id,
    )
    audit.record(
        "plan.published",
        "plan",
        new.id,
        before={"published": old.id},
        after={"assignments": 12, "told": 1, "not_told": 0, "changed": None},
        actor_id=actor.id,
    )
    audit.record(
        "volunteer.invited",
        "volunteer",
        volunteer.id,
        after={"expires_at": "2026-12-21T16:50:21.118766+00:00"},
        actor_id=actor.id,
    )
    db.session.commit()

    body = admin_client.get("/admin/audit").get_data(as_text=True)
    details = _details(body)
    # Codes through the labels, a thing's name as 名称, places and people by name.
    assert "类型 学期课业辅导 → 暑期驻点" in details
    assert "项目名称 暑期 → 2027年暑期三下乡" in details
    assert "地点 石门村小学 → 龙潭村小学" in details and "志愿者 叶强" in details
    assert f"此前发布的方案 2027年暑期三下乡的方案 #{old.id}" in details
    # China time (UTC+8), to the minute.
    assert "失效时间 2026-12-22 00:50" in details
    for raw in ("tutoring", f"p{first.id}", "expires at", "2026-12-21T16", "published 3", "—"):
        assert raw not in details, raw

    english = _details(
        admin_client.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    )
    assert "Kind Term tutoring → Summer posts" in english
    assert "Programme name" in english and "Place 石门村小学 → 龙潭村小学" in english
    assert "Expires at 2026-12-22 00:50" in english


def test_the_entry_time_is_china_time(app, admin_client):
    audit.record("home.update", "home", factories.home().id, actor_id=None)
    entry = db.session.scalars(select(AuditLog)).one()
    entry.created_at = datetime(2026, 12, 21, 16, 50, tzinfo=UTC)
    db.session.commit()
    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "2026-12-22 00:50" in body


def recorded_fields() -> set[str]:
    """The keys of the dicts written literally in `audit.record(...)` calls and in the
    snapshot helpers they use (a key that reaches the log without a label reads as a code)."""
    found = set()
    for path in (WEBAPP / "blueprints").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_record = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            )
            is_snapshot = isinstance(node, ast.FunctionDef) and node.name in (
                "_summary",
                "vetting_snapshot",
            )
            if is_record or is_snapshot:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Dict):
                        found |= {
                            k.value
                            for k in inner.keys
                            if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        }
    return found


def test_every_recorded_field_has_a_label():
    from webapp.blueprints.admin.audit_values import FIELD_LABELS
    from webapp.blueprints.volunteers.services import PROFILE_FIELDS

    fields = recorded_fields() | set(PROFILE_FIELDS) | {"skills"}
    assert len(fields) > 30
    assert sorted(fields - set(FIELD_LABELS)) == []
