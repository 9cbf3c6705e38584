"""A backup taken while another process uploads and deletes evidence is one consistent moment:
every evidence row it holds has its files, it holds no other file, and it restores so."""
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reviewapp.backup.archive import create_backup, restore_backup, verify_backup
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.storage import storage
from tests.factories import draft_with_photos

HERE = Path(__file__).resolve().parent
WRITING_SECONDS = 15  # backups are taken one after another while the writer runs


def rows_of(folder, table):
    with open(Path(folder) / "tables" / f"{table}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def check_backup_holds_its_rows_files(folder):
    """Every evidence row of the backup has its files (the original with the row's checksum);
    the backup holds no file that no row names."""
    folder = Path(folder)
    held = {str(p.relative_to(folder / "files")) for p in (folder / "files").rglob("*") if p.is_file()} \
        if (folder / "files").exists() else set()
    named = set()
    for row in rows_of(folder, "evidence"):
        names = [row[key] for key in ("storage_name", "blind_storage_name", "thumbnail_name",
                                      "preview_storage_name", "print_storage_name") if row[key]]
        assert set(names) <= held, f"evidence {row['id']} lacks {set(names) - held}"
        data = (folder / "files" / row["storage_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], f"evidence {row['id']} changed"
        named.update(names)
    named.update(row["storage_name"] for row in rows_of(folder, "book_builds") if row["storage_name"])
    assert held == named, f"files no row names: {held - named}"


def start_writer(app, user, case, tmp_path):
    stop = tmp_path / "stop"
    process = subprocess.Popen(
        [str(arg) for arg in (sys.executable, HERE / "writer.py", app.config["SQLALCHEMY_DATABASE_URI"],
                              app.config["UPLOAD_FOLDER"], tmp_path / "writer-instance", user.id, case.id, stop)],
        stdout=subprocess.PIPE, stderr=open(tmp_path / "writer.log", "wb"), text=True)
    assert process.stdout.readline().strip() == "ready", (tmp_path / "writer.log").read_text()[-3000:]
    return process, stop


def test_backup_while_another_process_uploads_and_deletes(app, second_database, tmp_path):
    user, case, _items = draft_with_photos(6)
    writer, stop = start_writer(app, user, case, tmp_path)
    backups = 0
    try:
        deadline = time.monotonic() + WRITING_SECONDS
        while time.monotonic() < deadline:
            target = tmp_path / f"backup-{backups}"
            create_backup(target)  # the old code crashed here: a file deleted under it
            manifest = verify_backup(target)
            check_backup_holds_its_rows_files(target)
            backups += 1
            if time.monotonic() < deadline:
                shutil.rmtree(target)
    finally:
        stop.touch()
        output = writer.communicate(timeout=120)[0]
    assert writer.returncode == 0, (tmp_path / "writer.log").read_text()[-3000:]
    uploads, deletions = map(int, output.split()[-2:])
    assert backups >= 3 and deletions >= 5, (backups, uploads, deletions)  # the backups met the writes

    counts = manifest["rows"]
    with second_database.app_context():
        restore_backup(target)
        rows = db.session.scalars(db.select(Evidence)).all()
        assert len(rows) == counts["evidence"] >= 6
        for table, count in counts.items():
            assert db.session.scalar(db.select(db.func.count()).select_from(db.table(table))) == count, table
        for row in rows:
            assert hashlib.sha256(storage().read(row.storage_name)).hexdigest() == row.sha256
            if row.ready:  # one caught while processing has no blind copy yet: its job (or a retry) makes it
                assert storage().exists(row.blind_storage_name) and storage().exists(row.thumbnail_name)
            else:
                assert row.blind_storage_name is None
