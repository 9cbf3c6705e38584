"""A second, empty instance to restore backups into."""
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade

from reviewapp import create_app
from reviewapp.extensions import db
from tests.conftest import drop_everything, empty_tables


@pytest.fixture
def second_database(migrated, tmp_path):
    """An empty, migrated database of the same kind as the test database."""
    if migrated.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        import psycopg
        parts = urlsplit(migrated.replace("+psycopg", ""))
        name = parts.path.lstrip("/") + "_restore"
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
        url = migrated.rsplit("/", 1)[0] + "/" + name
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=tmp_path / "other",
                       UPLOAD_FOLDER=tmp_path / "other-uploads")
    with other.app_context():
        drop_everything()
        upgrade(revision="heads")
        db.engine.dispose()
    yield other
    with other.app_context():
        db.session.remove()
        empty_tables()
        db.engine.dispose()
