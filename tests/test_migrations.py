"""Migrations build the schema from nothing, can go back, and match the models exactly."""

import datetime as dt

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


def _dummy(column: sa.Column):
    kind = column.type.python_type
    values = {str: "x", int: 0, bool: False, float: 0.0}
    if kind in values:
        return values[kind]
    return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if kind is dt.datetime else dt.date(2026, 1, 1)


def test_the_pinyin_migration_gives_existing_rows_their_sort_key(database_url, tmp_path):
    from webapp.pinyin import sort_key

    url = _scratch_url(database_url, tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    names = {"users": "曾国藩", "volunteers": "何涵曦", "teams": "春晖队", "homes": "石门村之家"}
    with app.app_context():
        upgrade(revision="0005")
        metadata = sa.MetaData()
        metadata.reflect(db.engine, only=list(names))
        with db.engine.begin() as connection:
            for table_name, name in names.items():
                table = metadata.tables[table_name]
                row = {
                    c.name: _dummy(c)
                    for c in table.columns
                    if not c.nullable and c.server_default is None and not c.primary_key
                }
                connection.execute(table.insert().values(row | {"name": name}))
        upgrade()
        with db.engine.connect() as connection:
            for table_name, name in names.items():
                key = connection.execute(sa.text(f"SELECT name_key FROM {table_name}")).scalar()
                assert key == sort_key(name), table_name
        db.session.remove()
        db.engine.dispose()
