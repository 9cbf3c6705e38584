"""One JSON line per log record, each carrying the id of the request it belongs to.

The id comes from a trusted proxy's X-Request-ID when TRUSTED_PROXIES is set,
otherwise it is generated; it is returned in the response's X-Request-ID so a
user's report can be matched with the server's lines.
"""
import json
import logging
import re
import secrets
import time

from flask import current_app, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key in ("method", "path", "status", "duration_ms", "user_id", "remote_addr"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def assign_request_id():
    incoming = request.headers.get("X-Request-ID", "")
    trusted = current_app.config["TRUSTED_PROXIES"] > 0 and _VALID_ID.match(incoming)
    g.request_id = incoming if trusted else secrets.token_hex(8)
    g.request_started = time.perf_counter()


def _user_id(user):
    """The user's id from the session's identity map: after a commit the user is expired, and
    reading user.id would load the row again."""
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else getattr(user, "id", None)


def log_request(response):
    request_id = response.headers["X-Request-ID"] = g.get("request_id", "-")
    if request.endpoint != "static":
        # The user the request loaded, if it did: loading one only to log it would cost a query,
        # and with the database down would turn the error page into a bare 500.
        user = g.get("_login_user")
        duration = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        current_app.logger.info(
            "request", extra={"method": request.method, "path": request.path,
                              "status": response.status_code, "duration_ms": round(duration, 1),
                              "user_id": _user_id(user),
                              "remote_addr": request.remote_addr, "request_id": request_id})
    return response


def init_logging(app):
    """JSON lines on stderr (LOG_FORMAT=json, the default outside debug mode)."""
    app.before_request(assign_request_id)
    app.after_request(log_request)
    if app.config.get("LOG_FORMAT", "json") != "json" or app.debug or app.testing:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.propagate = False
