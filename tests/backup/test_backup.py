"""A backup restores into an empty instance with every row and file intact."""
import json
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade

from reviewapp import create_app
from reviewapp.auth.models import User
from reviewapp.cases.models import Case
from reviewapp.extensions import db
from tests.conftest import drop_everything


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
    return other


def test_backup_round_trip(app, second_database, tmp_path):
    app.test_cli_runner().invoke(args=["seed-demo"])
    uploads = app.config["UPLOAD_FOLDER"]
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "0123abcd.jpg").write_bytes(b"\xff\xd8 photo bytes")  # as the local storage keeps it
    users = db.session.scalar(db.select(db.func.count(User.id)))
    titles = sorted(db.session.scalars(db.select(Case.title)))
    target = tmp_path / "backup"

    result = app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["rows"]["users"] == users and "files/0123abcd.jpg" in manifest["sha256"]
    assert app.test_cli_runner().invoke(args=["backup", "verify", str(target)]).exit_code == 0

    # Flask's CLI runner uses the innermost app context: enter the second app's.
    runner = second_database.test_cli_runner()
    with second_database.app_context():
        result = runner.invoke(args=["backup", "restore", str(target)])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(db.select(db.func.count(User.id))) == users
        assert sorted(db.session.scalars(db.select(Case.title))) == titles
        admin = db.session.scalar(db.select(User).filter_by(email="admin@demo.reviewapp.cn"))
        assert admin.check_password("demo-password")
        # New rows get fresh ids after a restore (sequences moved on).
        db.session.add(User(email="new@example.cn", name="新用户", role=admin.role))
        db.session.commit()
        assert (second_database.config["UPLOAD_FOLDER"] / "0123abcd.jpg").read_bytes() == b"\xff\xd8 photo bytes"
        # Restoring twice is refused: the instance is no longer empty.
        again = runner.invoke(args=["backup", "restore", str(target)])
        assert again.exit_code != 0 and "not empty" in again.output
        empty_all()


def empty_all():
    from tests.conftest import empty_tables
    db.session.remove()
    empty_tables()
    db.engine.dispose()


def test_a_damaged_backup_is_refused(app, tmp_path):
    target = tmp_path / "backup"
    app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    with open(target / "tables" / "users.jsonl", "a") as handle:
        handle.write('{"id": 999}\n')
    result = app.test_cli_runner().invoke(args=["backup", "verify", str(target)])
    assert result.exit_code != 0 and "damaged" in result.output
