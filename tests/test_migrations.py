"""Migrations build the schema from nothing, can go back, and match the models exactly."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from webapp.app import create_app
from webapp.extensions import db


def _scratch_url(database_url: str, tmp_path) -> str:
    if database_url.startswith("postgresql"):
        # Named after the test database, so that two checkouts testing at once do not collide.
        base, name = database_url.rsplit("/", 1)
        scratch = f"{name}_migration_check"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
        admin.dispose()
        return f"{base}/{scratch}"
    return f"sqlite:///{tmp_path / 'migrations.db'}"


def test_upgrade_from_empty_then_downgrade_to_nothing_and_up_again(database_url, tmp_path):
    url = _scratch_url(database_url, tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "volunteers", "homes", "rooms", "alembic_version"} <= tables
        skills = db.session.execute(sa.text("SELECT count(*) FROM skills")).scalar()
        assert skills == 10
        db.session.remove()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_models_match_the_migrated_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
