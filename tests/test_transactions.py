"""Reading pages without BEGIN and COMMIT round trips (webapp/transactions.py, PostgreSQL)."""

from __future__ import annotations

import collections

import psycopg
import pytest
from sqlalchemy import func, select, text

from tests import factories
from webapp.app import create_app
from webapp.extensions import db
from webapp.models import Skill
from webapp.transactions import only_reads


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
        ("\n  select 1", True),
        ("SELECT rooms.id FROM rooms WHERE rooms.id = %(id)s FOR UPDATE", False),
        ("SELECT runs.id FROM runs FOR UPDATE SKIP LOCKED", False),
        ("SELECT x FROM t FOR NO KEY UPDATE", False),
        ("SELECT x FROM t FOR SHARE", False),
        ("INSERT INTO t (x) VALUES (1) RETURNING t.id", False),
        ("UPDATE login_sessions SET last_seen_at=%(at)s", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("WITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d", False),
    ],
)
def test_only_plain_selects_count_as_reads(statement, reads):
    assert only_reads(statement) is reads


@pytest.fixture
def commands(app, monkeypatch):
    """The commands psycopg sends of its own (BEGIN, COMMIT, ROLLBACK), counted."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    sent: collections.Counter = collections.Counter()
    original = psycopg.Connection._exec_command

    def spy(self, command, *args, **kwargs):
        # BEGIN, COMMIT and ROLLBACK come as bytes; a server cursor's DECLARE as composed SQL.
        sent[command.split()[0].decode() if isinstance(command, bytes) else "other"] += 1
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", spy)
    return sent


def test_a_page_that_only_reads_sends_no_begin_or_commit(app, commands):
    volunteer = factories.volunteer_with_login()
    db.session.commit()
    user = volunteer.user
    web = app.test_client()
    web.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    pages = ("/dashboard", "/volunteers/me", "/me/schedule")
    for page in pages:  # connected (a new connection is set up in a transaction of its own)
        web.get(page)
    commands.clear()
    for page in pages:
        assert web.get(page).status_code == 200
    assert commands["BEGIN"] == 0
    assert commands["COMMIT"] == 0


def test_a_form_post_still_runs_in_one_transaction(app, commands):
    user = factories.user(roles=("volunteer",))
    db.session.commit()
    web = app.test_client()
    web.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert commands["BEGIN"] >= 1
    assert commands["COMMIT"] >= 1


def _app_with_routes(app):
    """A second app on the same database, with routes of its own that write on a GET."""
    second = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret-key-not-for-production",
            "TESTING": True,
        }
    )

    @second.get("/test/read")
    def read():
        return {"skills": db.session.scalar(select(func.count(Skill.id)))}

    @second.get("/test/write-then-fail")
    def write_then_fail():
        db.session.add(Skill(code="tx-test", name_zh="测试", name_en="test"))
        db.session.flush()
        return "refused", 409

    @second.get("/test/read-write-read")
    def read_write_read():
        before = db.session.scalar(select(func.count(Skill.id)))
        db.session.add(Skill(code="tx-test", name_zh="测试", name_en="test"))
        db.session.flush()
        after = db.session.scalar(select(func.count(Skill.id)))
        # The insert began a transaction, and the read after it runs inside it.
        xid = db.session.scalar(text("SELECT txid_current_if_assigned()"))
        return {"before": before, "after": after, "in_transaction": xid is not None}

    @second.get("/test/lock")
    def lock():
        db.session.execute(select(Skill.id).limit(1).with_for_update())
        return "locked"

    @second.get("/test/stream")
    def stream():
        rows = db.session.scalars(select(Skill).execution_options(yield_per=2))
        return {"skills": len(list(rows))}

    second.test_client().get("/test/read")  # connected: set up in a transaction of its own
    return second


def _skill_named_tx_test() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Skill.id)).where(Skill.code == "tx-test"))


def test_a_get_that_writes_and_then_fails_saves_nothing(app, commands):
    second = _app_with_routes(app)
    commands.clear()
    assert second.test_client().get("/test/write-then-fail").status_code == 409
    assert commands["BEGIN"] == 1 and commands["ROLLBACK"] == 1
    assert _skill_named_tx_test() == 0
    with second.app_context():
        db.engine.dispose()


def test_a_get_that_writes_commits_its_writes_together_and_sees_them(app, commands):
    second = _app_with_routes(app)
    commands.clear()
    answer = second.test_client().get("/test/read-write-read").json
    assert answer == {
        "before": answer["before"],
        "after": answer["before"] + 1,
        "in_transaction": True,
    }
    assert commands["BEGIN"] == 1 and commands["COMMIT"] == 1
    assert _skill_named_tx_test() == 1
    with second.app_context():
        db.engine.dispose()


def test_a_row_lock_on_a_get_is_taken_inside_a_transaction(app, commands):
    second = _app_with_routes(app)
    commands.clear()
    assert second.test_client().get("/test/lock").status_code == 200
    assert commands["BEGIN"] == 1 and commands["COMMIT"] == 1
    with second.app_context():
        db.engine.dispose()


def test_a_streamed_read_runs_in_a_transaction_for_its_cursor(app, commands):
    second = _app_with_routes(app)
    commands.clear()
    assert second.test_client().get("/test/stream").json["skills"] >= 1
    assert commands["BEGIN"] == 1
    with second.app_context():
        db.engine.dispose()
