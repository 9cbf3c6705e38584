"""Every connection waits a bounded time for a lock, and SQLite runs in WAL (readers and the
writer never wait for each other)."""
from reviewapp.extensions import db


def test_connections_wait_for_locks_at_most_the_configured_time(app):
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        else:
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "10s"
