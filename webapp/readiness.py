"""Is this process ready to serve? /healthz says the process is alive (no database needed, so a
load balancer does not restart a healthy process while the database restarts); /readyz says the
database answers and its schema is the one this code expects (every migration applied)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@cache
def expected_revisions() -> frozenset[str]:
    """The heads of the migrations shipped with this code."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def problem() -> str | None:
    """None when ready, else the reason (for operators; shown in /readyz's JSON)."""
    try:
        with db.engine.connect() as connection:
            applied = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError as error:
        return f"database unreachable or not migrated ({type(error).__name__})"
    expected = expected_revisions()
    if applied != expected:
        return f"migrations not current: database at {sorted(applied)}, code at {sorted(expected)}"
    return None
