"""With the database down, hung or too slow, every request fails within seconds with a
translated 503 "nothing you saved is lost", drawn without the database, for signed-in users too.

The signed-in session is made on the working app; the same cookie is then sent to an app
whose database is dead (same secret key), as happens when the database goes away.
"""
import socket
import threading
import time

import pytest
from sqlalchemy import text

from reviewapp import create_app
from reviewapp.access import public
from reviewapp.extensions import db
from tests.conftest import IsolatedClient
from tests.factories import csrf_from, draft_with_photos, sign_in_as

UNAVAILABLE = {
    "en": "Nothing you saved before is lost: please try again in a few minutes.",
    "zh": "您此前保存的内容均未丢失，请过几分钟再试。",
}
TITLE = {"en": "Busy", "zh": "系统繁忙"}


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hung_server():
    """A 'database' that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def app_on(url, tmp_path, **config):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=tmp_path / "down",
                     UPLOAD_FOLDER=tmp_path / "uploads", **config)
    app.test_client_class = IsolatedClient
    return app


DEAD = {
    "postgresql": lambda tmp_path: f"postgresql+psycopg://postgres@127.0.0.1:{unused_port()}/reviewapp",
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.sqlite'}",
}


@pytest.fixture
def signed_in(app):
    """(the working client of a signed-in applicant, the applicant, its draft)."""
    user, case, _photos = draft_with_photos(0)
    client = sign_in_as(app.test_client(), user)
    return client, user, case


def carry_session(source, target_app):
    client = target_app.test_client()
    client.set_cookie("session", source.get_cookie("session").value)
    return client


@pytest.mark.parametrize("dead", sorted(DEAD))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_signed_in_user_gets_a_translated_busy_page_when_the_database_is_down(
        signed_in, tmp_path, dead, language):
    client, user, case = signed_in
    user.locale = language
    db.session.commit()
    assert client.get("/", follow_redirects=True).status_code == 200  # the working app: the user's language joins the session
    down = carry_session(client, app_on(DEAD[dead](tmp_path), tmp_path))
    for path in ("/", f"/cases/{case.id}/edit", "/no-such-page"):
        response = down.get(path, headers={"Accept-Language": "de"})
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert UNAVAILABLE[language] in page and TITLE[language] in page
        assert "Traceback" not in page and "OperationalError" not in page


def test_a_visitor_gets_the_page_in_the_browser_language(app, tmp_path):
    down = app_on(DEAD["postgresql"](tmp_path), tmp_path).test_client()
    response = down.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 503 and UNAVAILABLE["zh"] in response.get_data(as_text=True)


def test_an_autosave_gets_a_json_message_the_page_can_show(signed_in, tmp_path):
    client, user, case = signed_in
    token = csrf_from(client.get(f"/cases/{case.id}/edit").get_data(as_text=True))
    down = carry_session(client, app_on(DEAD["postgresql"](tmp_path), tmp_path))
    response = down.post(f"/cases/{case.id}/autosave", data={"csrf_token": token, "title": "新标题"},
                         headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 503
    body = response.get_json()
    assert body["ok"] is False and UNAVAILABLE["en"] in body["message"]


def test_the_health_check_answers_503_at_once(app, tmp_path):
    down = app_on(DEAD["postgresql"](tmp_path), tmp_path).test_client()
    started = time.monotonic()
    response = down.get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_a_hung_database_gives_503_within_the_connect_timeout(signed_in, tmp_path, hung_server, path):
    client, _user, _case = signed_in
    hung = app_on(f"postgresql+psycopg://postgres@127.0.0.1:{hung_server}/reviewapp", tmp_path,
                  DATABASE_CONNECT_TIMEOUT=2)
    down = carry_session(client, hung)
    started = time.monotonic()
    response = down.get(path, headers={"Accept-Language": "en"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and 1.5 < elapsed < 5


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_statement_over_the_timeout_is_cancelled_and_turned_into_the_busy_page(
        app, migrated, tmp_path, language):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's (SQLite waits only for locks: locking.py)")
    slow = app_on(migrated, tmp_path, DATABASE_STATEMENT_TIMEOUT=1)

    @slow.get("/slow-query-for-test")
    @public
    def slow_query():
        db.session.execute(text("SELECT pg_sleep(5)"))
        return "finished"

    started = time.monotonic()
    response = slow.test_client().get("/slow-query-for-test", headers={"Accept-Language": language})
    assert response.status_code == 503 and UNAVAILABLE[language] in response.get_data(as_text=True)
    assert time.monotonic() - started < 3
    with slow.app_context():
        db.engine.dispose()


def test_a_broken_query_is_still_a_500_not_a_busy_page(app, tmp_path):
    """Only an unreachable or slow database is 'busy': a bug (SQLite reports a missing table as
    an OperationalError too) stays a logged 500."""
    broken = app_on(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)

    @broken.get("/broken-query-for-test")
    @public
    def broken_query():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "finished"

    response = broken.test_client().get("/broken-query-for-test")
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)
    with broken.app_context():
        db.engine.dispose()
