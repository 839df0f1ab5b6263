import os

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp.extensions import db
from webapp.models import User, Volunteer


def test_seed_demo_prints_the_log_ins_and_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "coordinator@example.org" in first.output and "shouwang-demo" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "already loaded" in second.output


def test_seed_demo_if_empty_leaves_a_real_database_alone(runner):
    factories.user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 0


def test_create_admin_makes_an_administrator(runner, app):
    result = runner.invoke(
        args=["create-admin", "Boss@Example.org", "--password", "a-long-password"]
    )
    assert result.exit_code == 0, result.output
    assert User.by_email("boss@example.org").roles == {"admin"}


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "boss@example.org", "--password", "short"])
    assert result.exit_code != 0 and "10" in result.output
    assert User.by_email("boss@example.org") is None


def test_create_admin_grants_the_role_to_an_existing_user(runner):
    factories.user(email="teacher@example.org", roles=["coordinator"])
    runner.invoke(args=["create-admin", "teacher@example.org"])
    db.session.expire_all()
    assert User.by_email("teacher@example.org").roles == {"coordinator", "admin"}


# Each feature registers its commands on its blueprint (cli_group=None keeps the names top-level);
# cli.py keeps the app-wide ones.
COMMANDS_BY_HOME = {
    "app": {"seed-demo", "create-admin", "worker"},
    "volunteers": {"import-volunteers"},
    "planning": {"programmes", "solve"},
    "notifications": {"send-outbox", "send-reminders", "pull-sms-reports"},
}


@pytest.mark.parametrize("name", sorted(set().union(*COMMANDS_BY_HOME.values())))
def test_every_command_answers_under_its_top_level_name(runner, name):
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0, result.output
    assert f" {name} [OPTIONS]" in result.output.splitlines()[0]


def test_each_blueprint_registers_its_own_commands(app):
    for home, names in COMMANDS_BY_HOME.items():
        if home != "app":
            assert set(app.blueprints[home].cli.commands) == names


def test_the_benchmarks_are_not_commands_of_the_app(runner):
    listed = runner.invoke(args=["--help"]).output
    assert "seed-demo" in listed and "bench-" not in listed


@pytest.mark.parametrize("module", ["volunteers", "feeds", "planning"])
def test_each_benchmark_runs_as_a_module(module, tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "SHOUWANG_INSTANCE": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", f"webapp.bench.{module}", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "--help" in result.stdout
