"""Health check, request ids, JSON log lines, and the audit log page."""
import csv
import io
import json
import logging

from reviewapp.audit import record
from reviewapp.extensions import db
from reviewapp.ops.logging import JsonFormatter, RequestIdFilter
from tests.factories import make_user


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert response.get_json()["office_previews"] in ("private-filesystem", "network-only", "refused")


def test_every_response_has_a_request_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert len(first) == 16 and first != second


def test_request_id_from_the_client_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/", headers={"X-Request-ID": "attacker-chosen-id"})
    assert response.headers["X-Request-ID"] != "attacker-chosen-id"


def test_log_lines_are_json_with_the_request_id(app):
    record_ = logging.LogRecord("reviewapp", logging.INFO, __file__, 1, "评审 %s", ("完成",), None)
    with app.test_request_context("/"):
        from flask import g
        g.request_id = "abc123"
        RequestIdFilter().filter(record_)
    line = json.loads(JsonFormatter().format(record_))
    assert line["message"] == "评审 完成" and line["request_id"] == "abc123" and line["level"] == "INFO"


def test_each_request_is_logged_as_one_json_access_line(app, login_as, caplog):
    """gunicorn's own access log is off by default: this line is the access log."""
    client, expert = login_as("expert")
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = client.get("/review/?x=1", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    records = [r for r in caplog.records if r.getMessage() == "request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET" and line["path"] == "/review/" and line["status"] == 200
    assert line["user_id"] == expert.id and line["remote_addr"] == "203.0.113.9"
    assert line["duration_ms"] >= 0 and line["request_id"] == response.headers["X-Request-ID"]


def test_audit_log_filters_and_exports(app, login_as):
    admin_client, admin = login_as("admin")
    expert = make_user("expert", email="prof@example.cn")
    record(expert, "review.submitted", expert, changes={"score": [None, 8]})
    record(admin, "campaign.updated", admin, reason="=HYPERLINK(\"http://x\")")
    db.session.commit()

    page = admin_client.get("/admin/audit?action=review").get_data(as_text=True)
    assert "review.submitted" in page and "campaign.updated" not in page
    page = admin_client.get("/admin/audit?actor=prof@").get_data(as_text=True)
    assert "review.submitted" in page and "campaign.updated" not in page

    export = admin_client.get("/admin/audit.csv")
    assert export.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["time_utc", "actor", "action", "object", "changes", "reason"]
    reasons = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in reasons  # never a live formula


def test_audit_log_is_for_admins_only(app, login_as):
    client, _ = login_as("expert")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
