"""The import-volunteers command."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from webapp.extensions import db
from webapp.models import Volunteer


def count_volunteers() -> int:
    return db.session.scalar(select(func.count()).select_from(Volunteer))


def test_import_command_writes_all_rows_or_none(runner, tmp_path):
    factories.user(email="cli@example.org", roles=["coordinator"])
    good = tmp_path / "good.csv"
    good.write_text("name,kind,phone\n甲,teacher,13900000901\n乙,community,13900000902\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,phone\n丙,teacher,13900000903\n丁,wizard,13900000904\n")

    result = runner.invoke(args=["import-volunteers", str(bad), "--as", "cli@example.org"])
    assert result.exit_code != 0 and "line 3, kind" in result.output
    assert count_volunteers() == 0

    dry = runner.invoke(
        args=["import-volunteers", str(good), "--as", "cli@example.org", "--dry-run"]
    )
    assert dry.exit_code == 0 and "2 new" in dry.output and count_volunteers() == 0

    result = runner.invoke(args=["import-volunteers", str(good), "--as", "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert count_volunteers() == 2


def test_import_command_needs_a_coordinator(runner, tmp_path):
    factories.user(email="plain@example.org", roles=["volunteer"])
    path = tmp_path / "x.csv"
    path.write_text("name,kind,phone\n甲,teacher,13900000911\n")
    result = runner.invoke(args=["import-volunteers", str(path), "--as", "plain@example.org"])
    assert result.exit_code != 0 and count_volunteers() == 0
