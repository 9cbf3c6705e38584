"""A backup restores into an empty instance with every row and file intact, and `verify`
names whatever was changed in it."""
import hashlib
import json
import shutil

import pytest

from reviewapp.auth.models import User
from reviewapp.cases.models import Case, Evidence
from reviewapp.extensions import db
from reviewapp.storage import storage
from tests.factories import csrf_from, draft_with_photos, sign_in_as


def create(app, target):
    result = app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    return json.loads((target / "manifest.json").read_text())


def verify(app, target):
    return app.test_cli_runner().invoke(args=["backup", "verify", str(target)])


def test_backup_round_trip(app, second_database, tmp_path):
    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    stray = app.config["UPLOAD_FOLDER"] / f"{'0' * 32}.jpg"
    stray.write_bytes(b"\xff\xd8 no row names this file")
    users = db.session.scalar(db.select(db.func.count(User.id)))
    titles = sorted(db.session.scalars(db.select(Case.title)))
    evidence = {row.id: row.sha256 for row in db.session.scalars(db.select(Evidence))}
    assert evidence, "the demo data has evidence files"
    target = tmp_path / "backup"

    manifest = create(app, target)
    assert manifest["rows"]["users"] == users and manifest["rows"]["evidence"] == len(evidence)
    assert f"files/{stray.name}" not in manifest["sha256"]  # only the files the rows name
    result = verify(app, target)
    assert result.exit_code == 0 and "intact" in result.output, result.output

    # Flask's CLI runner uses the innermost app context: enter the second app's.
    runner = second_database.test_cli_runner()
    with second_database.app_context():
        result = runner.invoke(args=["backup", "restore", str(target)])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(db.select(db.func.count(User.id))) == users
        assert sorted(db.session.scalars(db.select(Case.title))) == titles
        for row in db.session.scalars(db.select(Evidence)):
            assert hashlib.sha256(storage().read(row.storage_name)).hexdigest() == evidence[row.id]
        admin = db.session.scalar(db.select(User).filter_by(email="admin@demo.reviewapp.cn"))
        assert admin.check_password("demo-password")
        # New rows get fresh ids after a restore (sequences moved on).
        db.session.add(User(email="new@example.cn", name="新用户", role=admin.role))
        db.session.commit()
        # Restoring twice is refused: the instance is no longer empty.
        again = runner.invoke(args=["backup", "restore", str(target)])
        assert again.exit_code != 0 and "not empty" in again.output


def _edit_row_count(target):
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["rows"]["users"] += 1
    (target / "manifest.json").write_text(json.dumps(manifest))


def _add_file(target):
    (target / "files" / f"{'f' * 32}.jpg").write_bytes(b"\xff\xd8 smuggled in")


def _remove_file(target):
    next((target / "files").glob("*.jpg")).unlink()


def _change_byte(target):
    path = next((target / "files").glob("*.jpg"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))


def _append_row(target):
    with open(target / "tables" / "users.jsonl", "a") as handle:
        handle.write('{"id": 999}\n')


@pytest.mark.parametrize("damage, message", [
    (_edit_row_count, "tables/users.jsonl holds 1 rows, the manifest says 2"),
    (_add_file, "is not in the manifest (an extra file)"),
    (_remove_file, "is missing"),
    (_change_byte, "is damaged: its checksum differs"),
    (_append_row, "tables/users.jsonl is damaged"),
])
def test_verify_names_what_was_changed(app, second_database, tmp_path, damage, message):
    draft_with_photos(1)
    target = tmp_path / "backup"
    create(app, target)
    damage(target)
    result = verify(app, target)
    assert result.exit_code != 0 and message in result.output, result.output
    with second_database.app_context():
        result = second_database.test_cli_runner().invoke(args=["backup", "restore", str(target)])
        assert result.exit_code != 0 and message in result.output
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_deleting_evidence_during_a_backup_keeps_its_files_for_the_backup(app, tmp_path, monkeypatch):
    """The organization deletes a file just after the backup read the rows: the old code then
    crashed (FileNotFoundError) or wrote a row without its file."""
    owner, case, (item, _kept) = draft_with_photos(2)
    names = {item.storage_name, item.blind_storage_name, item.thumbnail_name, item.print_storage_name}
    client = sign_in_as(app.test_client(), owner)
    page = f"/cases/{item.case_id}/evidence"
    store, read = storage(), type(storage()).read

    def read_while_deleting(self, name):
        if not read_while_deleting.done:  # the rows are dumped; the files are being copied
            read_while_deleting.done = True
            token = csrf_from(client.get(page).get_data(as_text=True))
            assert client.post(f"{page}/{item.id}/delete", data={"csrf_token": token}).status_code == 302
            assert db.session.scalar(db.select(db.func.count()).filter(Evidence.id == item.id)) == 0
        return read(self, name)
    read_while_deleting.done = False
    monkeypatch.setattr(type(store), "read", read_while_deleting)

    target = tmp_path / "backup"
    create(app, target)
    assert read_while_deleting.done and verify(app, target).exit_code == 0
    assert {f"files/{name}" for name in names} <= set(json.loads((target / "manifest.json").read_text())["sha256"])

    # After the grace period the sweep removes them, and the next backup does not miss them.
    assert app.test_cli_runner().invoke(args=["storage", "sweep"]).output.startswith("0 ")
    result = app.test_cli_runner().invoke(args=["storage", "sweep", "--grace-hours", "0"])
    assert result.output.startswith(f"{len(names)} deleted stored files removed")
    assert not any(store.exists(name) for name in names)
    shutil.rmtree(target)
    create(app, target)
    assert verify(app, target).exit_code == 0


def test_a_backup_is_refused_when_a_file_its_rows_name_is_lost(app, tmp_path):
    _owner, _case, (item, _other) = draft_with_photos(2)
    lost = item.storage_name
    (app.config["UPLOAD_FOLDER"] / lost).unlink()  # as a disk fault would
    target = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code != 0 and "no backup written" in result.output and lost in result.output
    assert not target.exists()
