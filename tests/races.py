"""Real races: several clients send a request at the same instant, each from its own thread.

Each request runs in its own app context (tests/conftest.py's IsolatedClient), so every
thread has its own database session and connection, as gunicorn workers do.
"""
import threading
from contextlib import contextmanager

from sqlalchemy import create_engine

TRIALS = 10


def at_once(*calls):
    """Run each callable in its own thread, all released together; their results in order.
    An exception raised in a thread is raised here."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def row_lock(table):
    """PostgreSQL statement for lock_held: one row of `table`, by its id."""
    return f"SELECT id FROM {table} WHERE id = %(id)s FOR UPDATE"


@contextmanager
def lock_held(app, postgresql, **params):
    """Another connection holds a lock until the block ends: SQLite's write lock (the whole
    database), or on PostgreSQL whatever the statement `postgresql` takes (with `params`)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql(postgresql, params)
            yield
            connection.rollback()
    finally:
        engine.dispose()


@contextmanager
def impatient_app(app, seconds=0.3):
    """A second app on the same database and files that waits only `seconds` for a lock."""
    from reviewapp import create_app
    from reviewapp.extensions import db
    from tests.conftest import IsolatedClient

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       INSTANCE_DIR=app.config["INSTANCE_DIR"], UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                       DATABASE_LOCK_TIMEOUT=seconds)
    other.test_client_class = IsolatedClient
    try:
        yield other
    finally:
        with other.app_context():
            db.engine.dispose()
