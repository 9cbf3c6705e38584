"""A small in-process cache for results that are costly to compute and cheap to key.

Each gunicorn worker keeps its own: entries are found by a key that changes
whenever the data behind them changes (a stamp read from the database in the
same request), so no worker ever serves data another one has changed; `max_age`
bounds what a stamp cannot see. Thread-safe for the gthread workers.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, has_request_context, render_template, request
from markupsafe import Markup


class StampedCache:
    def __init__(self, size=64, max_age=300):
        self.size, self.max_age = size, max_age
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._computing = {}   # key -> lock held by the one thread computing it

    def _fresh(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry[0] < self.max_age:
                self._entries.move_to_end(key)
                return entry
        return None

    def clear(self):
        with self._lock:
            self._entries.clear()

    def get(self, key, compute):
        """The value cached under `key`, or compute(), store and return it. Threads
        asking for the same missing key wait for one computation instead of each
        starting their own; other keys are never blocked."""
        entry = self._fresh(key)
        if entry is not None:
            return entry[1]
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            entry = self._fresh(key)
            if entry is not None:
                return entry[1]
            started = time.monotonic()
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._entries[key] = (started, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value


def app_cache(name, size=64, max_age=300):
    """The current app's cache called `name`: one per app object, so every worker,
    and every test's app, starts empty."""
    caches = current_app.extensions.setdefault("reviewapp.caches", {})
    if name not in caches:
        caches[name] = StampedCache(size, max_age)
    return caches[name]


def rendered(name, key, template, size=512, max_age=600, **context):
    """The HTML of `template` rendered with `context`, reused under `key` in the cache
    `name`. The key must hold every value the HTML shows, and the HTML no per-user
    secret (no CSRF token)."""
    return app_cache(name, size, max_age).get(key, lambda: Markup(render_template(template, **context)))


def request_memo(name):
    """A dict that lives as long as the current request (an empty one outside requests),
    for what several steps of one request would otherwise look up again."""
    return request.environ.setdefault(f"reviewapp.{name}", {}) if has_request_context() else {}
