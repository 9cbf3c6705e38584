"""Check, then act, under a write lock: a decision that other requests may be changing at the
same moment (a quota, a size limit, a case's state) is taken while holding a lock on it.

`lock_for_write(*rows)` comes before the reads that the decision depends on:

* PostgreSQL: SELECT ... FOR UPDATE of each row, in the order given (parents first, always
  the same order: a unit before its case). Another transaction locking or updating one of
  them waits until this one ends; reads after the lock see everything committed before it.
* SQLite has one write lock for the whole database. pysqlite opens a transaction only at
  the first INSERT, UPDATE or DELETE, so two requests could both read "one place left",
  then the second waited for the first's write lock and wrote on its stale reading.
  BEGIN IMMEDIATE takes the write lock first; a connection already inside a transaction
  has written, so already holds it.

Then the rows are read again. A request waits at most DATABASE_LOCK_TIMEOUT seconds for a
lock (SQLite's busy timeout, PostgreSQL's lock_timeout); a request that still finds the
database busy is answered 503 with a translated "nothing was saved, try again" and is rolled
back (see handle_operational_error).
"""
import logging

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, exc, inspect

from .extensions import db

log = logging.getLogger(__name__)

BUSY = _l("Many changes are being saved at this moment, so yours could not be saved. Nothing was "
          "changed and nothing you saved before is lost: please send it again in a moment.")
# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, serialization_failure.
_BUSY_SQLSTATES = {"55P03", "40P01", "40001"}


def lock_for_write(*rows):
    """Lock `rows` (ORM objects) for the rest of the transaction and read them again."""
    session = db.session
    session.flush()  # refreshing would otherwise drop unsaved changes
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    for row in rows:
        # OF its own table: a row loaded with joined relationships locks only itself.
        session.refresh(row, with_for_update=None if sqlite else {"of": inspect(row).mapper.local_table})


def is_busy(error):
    """The database refused because other transactions held the lock (for too long)."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return getattr(original, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def handle_operational_error(error):
    """Busy: roll back and say so, in the page or the JSON the browser asked for; any other
    OperationalError goes on to errors.handle_unexpected (unreachable database or a bug)."""
    from .errors import error_response, handle_unexpected

    if not is_busy(error):
        return handle_unexpected(error)
    db.session.rollback()
    log.warning("database busy on %s %s: %s", request.method, request.path, error.orig)
    return error_response(503, BUSY)


def _sqlite_on_connect(timeout):
    def configure(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        # WAL: readers never wait for the writer, and the writer never waits for readers.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
    return configure


def _postgresql_on_connect(timeout):
    def configure(dbapi_connection, _record):
        dbapi_connection.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        dbapi_connection.commit()
    return configure


def init_app(app, engine):
    timeout = app.config["DATABASE_LOCK_TIMEOUT"]
    on_connect = {"sqlite": _sqlite_on_connect, "postgresql": _postgresql_on_connect}.get(engine.dialect.name)
    if on_connect:
        event.listen(engine, "connect", on_connect(timeout))
    app.register_error_handler(exc.OperationalError, handle_operational_error)
