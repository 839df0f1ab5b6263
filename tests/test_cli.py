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
