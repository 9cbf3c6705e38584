"""Deleting a stored file is deferred, so that a backup running meanwhile still finds every
file its snapshot of the rows names.

Whenever a row that names stored files is deleted, or one of its names replaced (a new
preview), the old names are recorded with the time in `file_tombstones`, in the same
transaction (mapper events below: no code path can forget it). `sweep_deleted()` removes
the files whose tombstone is older than STORAGE_DELETE_GRACE_HOURS (24 h: longer than any
backup takes), unless a row names them again; `flask storage sweep` runs it.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..timezones import utcnow
from . import storage
from .models import FileTombstone
from .references import file_columns, referenced_names


def delete_later(names, connection=None):
    """Mark stored files for removal once the grace period has passed. Part of the caller's
    transaction (`connection`, default the session's): if it rolls back, the files stay."""
    names = sorted({name for name in names if name})
    if not names:
        return
    connection = connection or db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(FileTombstone.__table__).on_conflict_do_nothing(index_elements=["name"])
    now = utcnow()
    connection.execute(statement, [{"name": name, "deleted_at": now} for name in names])


def tombstoned_names():
    return set(db.session.scalars(select(FileTombstone.name)))


def sweep_deleted(grace=None):
    """Remove the files tombstoned longer than `grace` ago (default: the configured grace
    period) and their tombstones; returns the removed names. Flushes: the caller commits."""
    if grace is None:
        grace = timedelta(hours=current_app.config["STORAGE_DELETE_GRACE_HOURS"])
    due = db.session.scalars(select(FileTombstone.name).filter(FileTombstone.deleted_at < utcnow() - grace)
                             .order_by(FileTombstone.name)).all()
    if not due:
        return []
    keep, backend = referenced_names(), storage()
    removed = [name for name in due if name not in keep]
    for name in removed:
        backend.discard(name)
    for start in range(0, len(due), 500):
        db.session.execute(delete(FileTombstone).filter(FileTombstone.name.in_(due[start:start + 500])))
    return removed


def _names_in_database(connection, model, target):
    keys = file_columns()[model]
    key_columns = inspect(model).primary_key
    row = connection.execute(select(*(getattr(model, key) for key in keys)).filter(
        *(column == value for column, value in zip(key_columns, inspect(target).identity)))).one_or_none()
    return dict(zip(keys, row or (None,) * len(keys)))


def _row_deleted(mapper, connection, target):
    delete_later(_names_in_database(connection, mapper.class_, target).values(), connection)


def _row_updated(mapper, connection, target):
    state = inspect(target)
    changed = [key for key in file_columns()[mapper.class_] if state.attrs[key].history.has_changes()]
    if not changed:
        return
    old = _names_in_database(connection, mapper.class_, target)
    kept = {state.dict.get(key) for key in changed} | {name for key, name in old.items() if key not in changed}
    delete_later([old[key] for key in changed if old[key] not in kept], connection)


for _model in file_columns():
    event.listen(_model, "before_delete", _row_deleted)
    event.listen(_model, "before_update", _row_updated)
