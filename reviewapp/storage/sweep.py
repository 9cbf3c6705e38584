"""After a crash: remove the files that interrupted writes left in the store.

An upload (or a job) stores its files first and commits the rows naming them
afterwards; a process killed in between leaves complete files that no row
references, and the local backend may keep `.incoming-*` temporaries of a
write cut short. Neither is ever served (files are reached only through their
rows), but they take space and would travel into backups.

`remove_unreferenced()` deletes them once they are older than `older_than`,
so that an upload or a build still running elsewhere keeps its files. Only
names the app generates are considered (32 hex digits and an extension,
optionally under builds/, or a temporary), whatever else the folder holds.
"""
import re
import time
from datetime import timedelta

from ..extensions import db
from . import storage

GENERATED = re.compile(r"^(?:builds/)?(?:[0-9a-f]{32}\.[a-z0-9]{1,8}|\.incoming-[A-Za-z0-9_]{1,40})$")


def referenced_names():
    """Every stored name a row points at."""
    from ..cases.models import Evidence
    from ..publishing.models import BookBuild

    names = set()
    for column in (Evidence.storage_name, Evidence.blind_storage_name, Evidence.thumbnail_name,
                   Evidence.preview_storage_name, BookBuild.storage_name):
        names.update(db.session.scalars(db.select(column).filter(column.isnot(None))))
    return names


def remove_unreferenced(older_than=timedelta(minutes=10)):
    """Delete stored files (and temporaries) no row references, last changed before `older_than` ago.

    Returns the removed names."""
    backend = storage()
    cutoff = time.time() - older_than.total_seconds()
    # Listed before the rows are read: a file committed meanwhile is then in `keep`.
    candidates = [name for name in backend.modified_before(cutoff) if GENERATED.match(name)]
    keep = referenced_names()
    removed = [name for name in candidates if name not in keep]
    for name in removed:
        backend.discard(name)
    return removed
