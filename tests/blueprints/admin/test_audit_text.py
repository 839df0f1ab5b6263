"""Every action the app writes to the audit log reads as a sentence, not as a raw code."""

from __future__ import annotations

import ast
from pathlib import Path

from tests import factories
from webapp import audit
from webapp.blueprints.admin.audit_text import SENTENCES
from webapp.extensions import db

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
