"""Real-browser fixtures: the app served on a loopback port, Chromium driven by Playwright.

One server and one browser per run. `live_app` empties the tables after each
test, as tests/conftest.py's `app` fixture does. Every page a test opens is
watched for Content-Security-Policy violations; a test fails on any.
"""
import logging
import threading

import pytest
from werkzeug.serving import make_server

from reviewapp import create_app
from reviewapp.extensions import db, limiter
from tests.conftest import empty_tables
from tests.e2e.browser import launch_chromium, watch_csp
from tests.e2e.i18n import translator


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: real-browser end-to-end test (Chromium via Playwright)")
    try:
        from playwright.sync_api import expect
    except ImportError:                    # the `browser` fixture fails with the explanation
        return
    expect.set_options(timeout=10_000)     # busy CI machines: waits end as soon as the page is right


class LiveApp:
    def __init__(self, app, url):
        self.app, self.url = app, url

    def t(self, lang):
        return translator(self.app, lang)


@pytest.fixture(scope="session")
def live_server(migrated, tmp_path_factory):
    """The app, same settings as the `app` fixture (JOB_BACKEND inline, mail outbox), on a free port."""
    folder = tmp_path_factory.mktemp("e2e-instance")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=migrated, INSTANCE_DIR=folder,
                     UPLOAD_FOLDER=folder / "uploads")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)   # no line per request in the test output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_app(live_server):
    """The running app with an app context for seeding; empty tables afterwards."""
    limiter.reset()
    with live_server.app.app_context():
        yield live_server
        db.session.remove()
        empty_tables()
        db.engine.dispose()
    limiter.reset()


@pytest.fixture(scope="session")
def browser():
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def context(browser, live_app):
    """A fresh browser profile (cookies, localStorage) whose pages report CSP violations."""
    context = browser.new_context(base_url=live_app.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    violations = watch_csp(context)
    yield context
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(context):
    return context.new_page()
