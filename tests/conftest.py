"""Shared fixtures: an app on a real database, clients, users and forms.

The database is a real SQLite file, or the PostgreSQL server named by
TEST_DATABASE_URL. Its schema comes from the Alembic migrations (never from
create_all), built once per run; every test starts from empty tables.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData

from reviewapp import create_app
from reviewapp.extensions import db, limiter
from tests.factories import make_user, sign_in_as

ROOT = Path(__file__).resolve().parents[1]



def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass, run only the tests that use the database."""
    if os.environ.get("REVIEWAPP_DB_TESTS_ONLY"):
        items[:] = [item for item in items if "app" in getattr(item, "fixturenames", ())]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the catalogues (.mo files are built, never committed)."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "--statistics",
                    "-d", str(ROOT / "reviewapp" / "translations")], check=True, capture_output=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """Bring the test database to the migrations' head once per run."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_DIR=tmp_path_factory.mktemp("instance"))
    with app.app_context():
        drop_everything()
        upgrade(revision="heads")
        db.engine.dispose()
    return database_url


def drop_everything():
    """Empty the database completely, whatever revision it was at."""
    existing = MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own
    database session and its own `g` (so no signed-in user leaks between
    requests made while the test holds an app context open)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(migrated, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=migrated, INSTANCE_DIR=tmp_path,
                     UPLOAD_FOLDER=tmp_path / "uploads")
    app.test_client_class = IsolatedClient
    limiter.reset()
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def empty_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app):
    """login_as("admin") -> (client signed in as a new admin, the user)."""
    def login(role, **kwargs):
        user = make_user(role, **kwargs)
        return sign_in_as(app.test_client(), user), user
    return login
