"""The 0002 migration and the models describe the same schema, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from webapp.extensions import db


def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_exclusion_constraint_exists_only_on_postgresql(app):
    with db.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            assert "occurrences" in inspect(connection).get_table_names()
            return
        names = (
            connection.exec_driver_sql("SELECT conname FROM pg_constraint WHERE contype = 'x'")
            .scalars()
            .all()
        )
        assert "ex_occurrences_room_no_overlap" in names
