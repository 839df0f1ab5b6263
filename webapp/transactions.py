"""Reading pages without BEGIN and COMMIT round trips (PostgreSQL).

psycopg opens a transaction with a BEGIN of its own, a round trip before a request's first
statement, and the request's commit is another: two of a typical page's seven. A GET that only
reads needs neither: under READ COMMITTED every statement sees its own snapshot inside a
transaction as well as outside one, so its reads return the same rows either way.

So a connection checked out for a GET or HEAD request starts in autocommit, and goes back to
transactions the moment anything else than a plain SELECT is about to run (an UPDATE, an INSERT,
a SAVEPOINT, a SELECT ... FOR UPDATE, a streamed SELECT, whose server-side cursor lives in a
transaction): psycopg then begins a transaction with that statement,
and everything from there on is committed or rolled back with the request as before (a failed
request still saves nothing). Connections leave the pool's hands as they came: in transactions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import has_request_context, request
from sqlalchemy import Engine, event

READING_METHODS = frozenset(("GET", "HEAD"))
_FLAG = "reads_in_autocommit"
_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKS = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


@lru_cache(maxsize=1024)
def only_reads(statement: str) -> bool:
    """Whether the SQL is a plain SELECT (no row locks); anything else begins a transaction.
    Cached: the app's statements are a few hundred strings, compiled once each."""
    return bool(_SELECT.match(statement)) and not _LOCKS.search(statement)


def read_without_transactions(engine: Engine) -> None:
    """Install the listeners on `engine` (a psycopg one). Register before any other checkout
    listener, so that a ping on checkout is sent in autocommit too."""
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "checkout")
    def reads_start_in_autocommit(dbapi_connection, record, proxy) -> None:
        if not has_request_context() or request.method not in READING_METHODS:
            return
        if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
            return
        dbapi_connection.autocommit = True
        record.info[_FLAG] = True

    @event.listens_for(engine, "before_cursor_execute")
    def writes_begin_a_transaction(conn, cursor, statement, parameters, context, many) -> None:
        info = conn.info
        if not info.get(_FLAG) or (only_reads(statement) and not isinstance(cursor, ServerCursor)):
            return
        info[_FLAG] = False
        if "isolation_level" in conn.get_execution_options():
            return  # a connection the code put in autocommit itself stays so
        conn.connection.dbapi_connection.autocommit = False

    @event.listens_for(engine, "checkin")
    def back_to_transactions(dbapi_connection, record) -> None:
        if not record.info.pop(_FLAG, False) or dbapi_connection is None:
            return
        if dbapi_connection.autocommit and not dbapi_connection.closed:
            dbapi_connection.autocommit = False
