"""A deadline is judged by when the request arrived, not by when it was processed.

The arrival is the trusted proxy's X-Request-Start stamp (TRUSTED_PROXIES > 0), else the
moment the worker began the request (reviewapp/ops/arrival.py).
"""
import http.client
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from reviewapp.access import public
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.ops.arrival import parse_request_start
from tests.cases.conftest import campaign, complete, draft, org_client, organization_user  # noqa: F401
from tests.cases.test_submission import beijing_bureau, reload
from tests.factories import csrf_from

NOW = 1_780_000_000.0


@pytest.mark.parametrize("value, expected", [
    ("t=1779999990.123", 1779999990.123),      # nginx ${msec}
    ("t=1779999990123456", 1779999990.123456),  # microseconds (Apache %t)
    ("1779999990123", 1779999990.123),          # milliseconds, no prefix
    ("t=1779999990", 1779999990.0),             # whole seconds
    ("t=1780000001.0", NOW),                    # a proxy clock one second ahead counts as now
    ("t=1780000060.0", None),                   # in the future
    ("t=1779990000.0", None),                   # older than any request can wait
    ("t=soon", None), ("", None),
])
def test_request_start_stamps_are_read_in_every_form(value, expected):
    assert parse_request_start(value, NOW, max_age=360) == pytest.approx(expected)


def ready_to_submit(client, case):
    """Everything done but the click: a complete draft, a unit to route to, the form's token."""
    beijing_bureau()
    complete(case)
    return csrf_from(client.get(f"/cases/{case.id}/submit").get_data(as_text=True))


def close_submissions(campaign, at):
    campaign.submission_closes = at
    db.session.commit()


def submit(client, case, token, **headers):
    return client.post(f"/cases/{case.id}/submit", data={"csrf_token": token}, headers=headers)


def stamp(moment):
    return f"t={moment.timestamp():.3f}"


def test_a_request_stamped_by_a_trusted_proxy_before_the_deadline_is_accepted(app, org_client, draft, campaign):
    app.config["TRUSTED_PROXIES"] = 1
    token = ready_to_submit(org_client, draft)
    closed = datetime.now(timezone.utc) - timedelta(seconds=1)
    close_submissions(campaign, closed)
    response = submit(org_client, draft, token, **{"X-Request-Start": stamp(closed - timedelta(seconds=3))})
    assert response.status_code == 302
    assert reload(draft).state is CaseState.SUBMITTED


def test_a_stamp_after_the_deadline_is_refused(app, org_client, draft, campaign):
    app.config["TRUSTED_PROXIES"] = 1
    token = ready_to_submit(org_client, draft)
    closed = datetime.now(timezone.utc) - timedelta(seconds=5)
    close_submissions(campaign, closed)
    response = submit(org_client, draft, token, **{"X-Request-Start": stamp(closed + timedelta(seconds=1))})
    assert response.status_code == 409 and "the deadline has passed" in response.get_data(as_text=True)
    assert reload(draft).state is CaseState.DRAFT


@pytest.mark.parametrize("trusted, age", [(0, 3), (1, 3600)], ids=["no trusted proxy", "absurdly old"])
def test_a_spoofed_or_absurd_stamp_is_ignored(app, org_client, draft, campaign, trusted, age):
    app.config["TRUSTED_PROXIES"] = trusted
    token = ready_to_submit(org_client, draft)
    closed = datetime.now(timezone.utc) - timedelta(seconds=1)
    close_submissions(campaign, closed)
    response = submit(org_client, draft, token, **{"X-Request-Start": stamp(closed - timedelta(seconds=age))})
    assert response.status_code == 409 and "the deadline has passed" in response.get_data(as_text=True)
    assert reload(draft).state is CaseState.DRAFT


def test_a_request_that_arrives_in_time_but_is_processed_late_is_accepted(app, org_client, draft, campaign):
    """No proxy: the worker's own arrival moment counts, though the check runs after the deadline."""
    delayed = threading.Event()

    @app.before_request
    def slow_down():  # stands in for anything that holds the request up: a lock, a slow start
        if delayed.is_set():
            time.sleep(1.0)

    token = ready_to_submit(org_client, draft)
    close_submissions(campaign, datetime.now(timezone.utc) + timedelta(seconds=0.5))
    delayed.set()
    response = submit(org_client, draft, token)
    assert datetime.now(timezone.utc) > campaign.submission_closes
    assert response.status_code == 302
    assert reload(draft).state is CaseState.SUBMITTED


def test_a_submission_queued_behind_a_slow_request_on_a_one_worker_server(app, org_client, draft, campaign):
    """A real single-threaded server: the submission waits in the listen queue while a slow
    request runs; the proxy's stamp says it was sent before the deadline."""
    app.config["TRUSTED_PROXIES"] = 1

    @app.get("/slow-for-test")
    @public
    def slow():
        time.sleep(1.5)
        return "done"

    token = ready_to_submit(org_client, draft)
    cookie = f"session={org_client.get_cookie('session').value}"
    server = make_server("127.0.0.1", 0, app, threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port

    def get_slow():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/slow-for-test")
        connection.getresponse().read()

    try:
        slow_request = threading.Thread(target=get_slow)
        slow_request.start()
        time.sleep(0.3)  # the slow request holds the only worker
        sent = datetime.now(timezone.utc)
        close_submissions(campaign, sent + timedelta(seconds=0.5))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", f"/cases/{draft.id}/submit", body=urlencode({"csrf_token": token}),
                           headers={"Cookie": cookie, "X-Request-Start": stamp(sent),
                                    "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        answered = datetime.now(timezone.utc)
        slow_request.join()
    finally:
        server.shutdown()
    assert answered > campaign.submission_closes  # processed after the deadline
    assert response.status == 302
    db.session.remove()
    assert reload(draft).state is CaseState.SUBMITTED
