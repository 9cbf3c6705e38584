"""How a request's transaction ends (read-only ones commit, nothing else does) and how a
pooled connection that the server closed is replaced (reviewapp/transactions.py)."""
import time

import psycopg
import pytest
from sqlalchemy import exc, text, update

from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.transactions import _refuse_closed, end_request_transaction
from tests.factories import make_user


def _name_in_database(user_id):
    db.session.remove()
    return db.session.get(User, user_id).name


def test_a_read_only_transaction_is_committed(app):
    user_id = make_user("expert").id
    db.session.get(User, user_id)
    assert db.session().in_transaction()
    end_request_transaction()
    assert not db.session().in_transaction()


def test_a_change_never_flushed_is_not_committed(app):
    user = make_user("expert")
    before = user.name
    user.name = "Changed in memory only"
    end_request_transaction()
    assert db.session().in_transaction()  # left to the teardown's rollback
    assert _name_in_database(user.id) == before


def test_a_flushed_change_is_not_committed(app):
    user = make_user("expert")
    before = user.name
    user.name = "Flushed"
    db.session.flush()
    end_request_transaction()
    assert _name_in_database(user.id) == before


def test_an_update_statement_is_not_committed(app):
    user = make_user("expert")
    before = user.name
    db.session.execute(update(User).where(User.id == user.id).values(name="Core update"))
    end_request_transaction()
    assert _name_in_database(user.id) == before


def test_a_failed_request_is_not_committed(app):
    user_id = make_user("expert").id
    db.session.get(User, user_id)
    end_request_transaction(RuntimeError("the view failed"))
    assert db.session().in_transaction()


def test_a_write_then_commit_then_read_ends_cleanly(app, login_as):
    client, _ = login_as("expert")
    assert client.get("/review/").status_code == 200


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements and pg_terminate_backend are PostgreSQL's")


def _libpq_url():
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_read_only_pages_keep_the_drivers_prepared_statements(app, login_as):
    """psycopg prepares a statement after its fifth run and forgets them all at ROLLBACK."""
    _postgresql_only()
    client, _ = login_as("expert")
    for _ in range(8):  # each loads the user and reads the queue
        assert client.get("/review/").status_code == 200
    with db.engine.connect() as connection:  # the pool's only connection: the one the pages used
        prepared = connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared > 0


def _terminate(pid):
    with psycopg.connect(_libpq_url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                return
            time.sleep(0.02)


def test_a_connection_the_server_closed_is_replaced_without_an_error(app, client):
    _postgresql_only()
    assert client.get("/gallery/").status_code == 200
    with db.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    _terminate(pid)
    assert client.get("/gallery/").status_code == 200
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid


def test_checkout_tells_a_closed_connection_from_a_live_one(app):
    _postgresql_only()
    live = psycopg.connect(_libpq_url())
    dead = psycopg.connect(_libpq_url())
    try:
        _terminate(dead.info.backend_pid)
        _refuse_closed(live, None, None)
        with pytest.raises(exc.DisconnectionError):
            _refuse_closed(dead, None, None)
    finally:
        live.close()
        dead.close()
