"""Write a backup folder, check one, and restore one into an empty instance.

A backup is a folder:

    manifest.json         format, alembic revision, time, row count per table,
                          sha256 of every other file in the folder
    tables/<name>.jsonl   one JSON object per row, in primary-key order
    files/<name>          exactly the stored files (evidence, previews, builds) that those
                          rows name, from whichever storage backend is configured

Rows are read inside one transaction (REPEATABLE READ READ ONLY on PostgreSQL, a single
read transaction on SQLite), so the dump is one consistent moment while the app keeps
writing. The files are copied after it: deleting a stored file only leaves a tombstone
for STORAGE_DELETE_GRACE_HOURS (reviewapp/storage/tombstones.py), so every file the
snapshot names is still there. The format does not depend on the database: a SQLite
backup restores into PostgreSQL and back. Verifying checks every checksum, every row
count, and that the files are exactly those the rows name; restoring refuses a backup
that fails it, and an instance that already holds data.
"""
import base64
import hashlib
import json
import shutil
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Integer, MetaData, func, select, text

from ..extensions import db
from ..storage import storage
from ..storage.references import file_keys

FORMAT = "reviewapp-backup-2"
OLDER_FORMATS = ("reviewapp-backup-1",)  # held every stored file; restorable, names not cross-checked
SKIPPED = {"alembic_version", "file_tombstones"}


class BackupError(Exception):
    pass


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, raw), = value.items()
        if key == "$dt":
            return datetime.fromisoformat(raw)
        if key == "$date":
            return date.fromisoformat(raw)
        if key == "$dec":
            return Decimal(raw)
        if key == "$b64":
            return base64.b64decode(raw)
    return value


def _tables():
    """The database's own tables (reflected), parents before children. Tombstones are left
    out: the files they name are not in the backup."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


@contextmanager
def _snapshot():
    """A connection whose reads all see the same moment, and write nothing."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            connection.exec_driver_sql("BEGIN")  # SQLite: one read transaction for every table
        try:
            yield connection
        finally:
            connection.rollback()


def _dump_tables(connection, folder):
    """Write every table into `folder`; returns ({table: row count}, the stored names the rows name)."""
    counts, names = {}, set()
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        keys = file_keys(table.name)
        with open(folder / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
            count = 0
            for row in connection.execute(select(table).order_by(*order)).mappings():
                out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                names.update(row[key] for key in keys if row[key])
                count += 1
        counts[table.name] = count
    return counts, names


def _copy_files(names, folder):
    """Copy the stored files `names` into `folder`; returns the names storage does not have."""
    store, missing = storage(), []
    for name in sorted(names):
        try:
            data = store.read(name)
        except FileNotFoundError:
            missing.append(name)
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return missing


def create_backup(target):
    """Write a backup of the database and of the stored files its rows name into the new
    folder `target`."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    (target / "tables").mkdir(parents=True, exist_ok=True)
    with _snapshot() as connection:
        revision = MigrationContext.configure(connection).get_current_heads()
        counts, names = _dump_tables(connection, target / "tables")
    missing = _copy_files(names, target / "files")
    if missing:
        shutil.rmtree(target)
        raise BackupError(f"no backup written: rows name {len(missing)} stored files that storage does not "
                          f"have: {_listing(missing)}")
    checksums = {str(p.relative_to(target)): _sha256(p)
                 for p in sorted(target.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(),
                "alembic_revision": sorted(revision), "rows": counts, "sha256": checksums}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _listing(items, most=20):
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def verify_backup(source):
    """The manifest, after checking every checksum, every table's row count, and that the
    backup holds exactly the stored files its rows name. BackupError lists every problem."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest in {source}: {error}")
    if manifest.get("format") not in (FORMAT, *OLDER_FORMATS):
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems = _file_problems(source, manifest["sha256"]) + _row_problems(source, manifest)
    if manifest["format"] == FORMAT:
        problems += _name_problems(source, manifest["sha256"])
    if problems:
        raise BackupError(f"{source} is damaged ({len(problems)} problems):\n  " + "\n  ".join(problems[:50]))
    return manifest


def _file_problems(source, checksums):
    present = {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()} - {"manifest.json"}
    problems = [f"{name} is missing" for name in sorted(set(checksums) - present)]
    problems += [f"{name} is not in the manifest (an extra file)" for name in sorted(present - set(checksums))]
    problems += [f"{name} is damaged: its checksum differs from the manifest's"
                 for name in sorted(present & set(checksums)) if _sha256(source / name) != checksums[name]]
    return problems


def _row_problems(source, manifest):
    problems = []
    dumps = {name[len("tables/"):-len(".jsonl")] for name in manifest["sha256"]
             if name.startswith("tables/") and name.endswith(".jsonl")}
    for table in sorted(dumps - set(manifest["rows"])):
        problems.append(f"tables/{table}.jsonl has no row count in the manifest")
    for table, expected in sorted(manifest["rows"].items()):
        path = source / "tables" / f"{table}.jsonl"
        if not path.is_file():
            problems.append(f"tables/{table}.jsonl is missing")
            continue
        with open(path, "rb") as handle:
            found = sum(1 for line in handle if line.strip())
        if found != expected:
            problems.append(f"tables/{table}.jsonl holds {found} rows, the manifest says {expected}")
    return problems


def _name_problems(source, checksums):
    held = {name[len("files/"):] for name in checksums if name.startswith("files/")}
    named = set()
    for path in sorted((source / "tables").glob("*.jsonl")):
        keys = file_keys(path.stem)
        try:
            named.update(row[key] for row in (_rows(path) if keys else ()) for key in keys if row.get(key))
        except BackupError as error:
            return [str(error)]
    return ([f"rows name the stored file {name}, which the backup does not hold" for name in sorted(named - held)]
            + [f"files/{name} is named by no row" for name in sorted(held - named)])


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                yield {k: _decode(v) for k, v in json.loads(line).items()}
            except ValueError:
                raise BackupError(f"{path.parent.name}/{path.name} line {number} is not a row")


def restore_backup(source):
    """Load a verified backup into this instance, whose schema is at the same
    revision and whose tables are empty. Flushes nothing: commits itself."""
    source = Path(source)
    manifest = verify_backup(source)
    with db.engine.connect() as connection:
        revision = sorted(MigrationContext.configure(connection).get_current_heads())
    if revision != manifest["alembic_revision"]:
        raise BackupError(f"schema is at {revision}, the backup at {manifest['alembic_revision']}: "
                          "upgrade to the same revision first")
    tables = _tables()
    with db.engine.begin() as connection:
        for table in tables:
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise BackupError(f"table {table.name} is not empty: restore only into an empty instance")
        for table in tables:
            path = source / "tables" / f"{table.name}.jsonl"
            if not path.exists():
                continue
            rows = list(_rows(path))
            for start in range(0, len(rows), 1000):
                connection.execute(table.insert(), rows[start:start + 1000])
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    store = storage()
    for name in sorted(manifest["sha256"]):
        if name.startswith("files/"):
            store.write(name[len("files/"):], (source / name).read_bytes())
    return manifest


def _reset_sequences(connection, tables):
    # Inserted ids do not advance PostgreSQL's sequences; new rows would clash.
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer):
            column = key[0]
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                f"COALESCE((SELECT MAX(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false)"))
