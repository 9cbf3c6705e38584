"""When a request arrived: a deadline is judged by it, not by when a worker got round to it.

A submission sent at 23:59:59 may wait behind a slow request (in the proxy, in the listen
queue, for a write lock) and be processed after midnight; it was still on time.

* Behind a trusted proxy (TRUSTED_PROXIES > 0) the proxy stamps the moment it received the
  request: nginx `proxy_set_header X-Request-Start "t=${msec}";` (seconds with
  milliseconds); microseconds (`t=1700000000123456`, Apache's `%t`) and milliseconds are
  read too. A stamp in the future or older than the longest a request can wait
  (GUNICORN_TIMEOUT + 5 minutes) is ignored.
* Otherwise the moment the worker began the request, recorded by `RecordArrival`, the
  outermost WSGI middleware, before anything else runs.

`arrived_at()` is that moment in request context, and the present moment elsewhere (CLI,
jobs); `campaigns.phases` uses it for every window check that is not given a moment.
"""
import os
import time
from datetime import datetime, timezone

from flask import current_app, has_request_context, request

HEADER = "X-Request-Start"
_ENVIRON_KEY = "reviewapp.arrived"
# A proxy's clock may run a little ahead of ours.
_CLOCK_SKEW = 2.0


class RecordArrival:
    """WSGI middleware: note when the worker began the request (epoch seconds)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ.setdefault(_ENVIRON_KEY, time.time())
        return self.wsgi_app(environ, start_response)


def parse_request_start(value, now, max_age):
    """Epoch seconds from an X-Request-Start value, or None if unreadable, in the future
    or older than `max_age` seconds."""
    text = (value or "").strip()
    if text.startswith("t="):
        text = text[2:]
    try:
        stamp = float(text)
    except ValueError:
        return None
    if "." not in text:  # an integer: microseconds or milliseconds since the epoch
        stamp /= 1_000_000 if stamp > 1e14 else 1000 if stamp > 1e11 else 1
    if not now - max_age <= stamp <= now + _CLOCK_SKEW:
        return None
    return min(stamp, now)


def _max_wait():
    return int(os.environ.get("GUNICORN_TIMEOUT") or 60) + 300


def arrived_at():
    """The moment the current request arrived (UTC, aware); outside a request, now."""
    now = time.time()
    if not has_request_context():
        return datetime.fromtimestamp(now, timezone.utc)
    environ = request.environ
    arrived = environ.get(_ENVIRON_KEY, now)
    if current_app.config["TRUSTED_PROXIES"] > 0 and HEADER in request.headers:
        stamped = parse_request_start(request.headers[HEADER], now, _max_wait())
        arrived = min(arrived, stamped or arrived)  # the earlier of two trusted witnesses
    return datetime.fromtimestamp(arrived, timezone.utc)
