"""Making check-then-write rules hold when requests race.

Rules such as "at most 3 children per surrogate parent" are checked by counting, then writing;
two requests that count at the same moment would both pass. `serialise_on(row)` makes such
writers take turns: on PostgreSQL it locks the row the rule is about (SELECT ... FOR UPDATE, held
until the request commits); on SQLite it takes the database's write lock (BEGIN IMMEDIATE), the
only lock SQLite has. Rules that fit an index (one active pairing per child) are held by the
database itself; these locks are for the rest.
"""

from __future__ import annotations

from sqlalchemy import inspect, select

from webapp.extensions import db


def serialise_writers() -> None:
    """On SQLite take the database write lock now (BEGIN IMMEDIATE), before checking a rule.

    pysqlite starts its transaction lazily, at the first INSERT/UPDATE, so reads so far ran
    outside one; beginning explicitly here makes the check and the write one atomic step. When
    this connection already writes (it holds the lock), there is nothing to do.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def serialise_on(instance) -> None:
    """Take turns with every other writer of `instance`'s rule; its attributes are reloaded.

    PostgreSQL: a row lock on `instance` (other writers wait until this request commits or
    rolls back). SQLite: the database write lock.
    """
    if db.session.connection().dialect.name == "sqlite":
        serialise_writers()
        db.session.refresh(instance)
        return
    state = inspect(instance)
    key = [
        column == value
        for column, value in zip(state.mapper.primary_key, state.identity, strict=True)
    ]
    # Fetched, not only executed: the ORM refreshes `instance` only from the rows it reads.
    locked = select(state.class_).where(*key).with_for_update()
    db.session.scalars(locked.execution_options(populate_existing=True)).one()
