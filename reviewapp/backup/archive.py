"""Write a backup folder and restore one into an empty instance.

A backup is a folder:

    manifest.json      format, alembic revision, time, row count per table,
                       sha256 of every other file in the folder
    tables/<name>.jsonl   one JSON object per row, in primary-key order
    files/<name>          every stored file (evidence, previews, builds), from
                          whichever storage backend is configured

Rows are read inside one transaction (REPEATABLE READ on PostgreSQL, a
single read transaction on SQLite), so the dump is one consistent moment.
The format does not depend on the database: a SQLite backup restores into
PostgreSQL and back. Restoring refuses a damaged backup (checksums) and an
instance that already holds data.
"""
import base64
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Integer, MetaData, func, select, text

from ..extensions import db
from ..storage import storage

FORMAT = "reviewapp-backup-1"


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
    """The database's own tables (reflected), parents before children."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def create_backup(target):
    """Write a backup of the database and stored files into the new folder `target`."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    (target / "tables").mkdir(parents=True, exist_ok=True)
    counts = {}
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        else:
            connection.exec_driver_sql("BEGIN")  # one read snapshot for every table
        revision = MigrationContext.configure(connection).get_current_heads()
        for table in _tables():
            order = list(table.primary_key.columns) or list(table.columns)
            with open(target / "tables" / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                count = 0
                for row in connection.execute(select(table).order_by(*order)).mappings():
                    out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                    count += 1
            counts[table.name] = count
        connection.rollback()
    store = storage()
    for name in store.names():
        path = target / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(store.read(name))
    checksums = {str(p.relative_to(target)): _sha256(p)
                 for p in sorted(target.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(),
                "alembic_revision": sorted(revision), "rows": counts, "sha256": checksums}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def verify_backup(source):
    """The manifest, after checking every file against its checksum."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest in {source}: {error}")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["sha256"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"{name} is missing or damaged")
    return manifest


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
            with open(path, encoding="utf-8") as handle:
                rows = [{k: _decode(v) for k, v in json.loads(line).items()} for line in handle]
            for start in range(0, len(rows), 1000):
                connection.execute(table.insert(), rows[start:start + 1000])
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    files = source / "files"
    store = storage()
    for path in sorted(files.rglob("*")) if files.exists() else []:
        if path.is_file():
            store.write(str(path.relative_to(files)), path.read_bytes())
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
