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
Files with a tombstone (their row was deleted: tombstones.py) are left to
`sweep_deleted()`, which waits out the grace period a running backup needs;
a file no row and no tombstone names was never committed, so no backup needs it.
"""
import re
import time
from datetime import timedelta

from . import storage
from .references import referenced_names
from .tombstones import tombstoned_names

GENERATED = re.compile(r"^(?:builds/)?(?:[0-9a-f]{32}\.[a-z0-9]{1,8}|\.incoming-[A-Za-z0-9_]{1,40})$")


def remove_unreferenced(older_than=timedelta(minutes=10)):
    """Delete stored files (and temporaries) no row references, last changed before `older_than` ago.

    Returns the removed names."""
    backend = storage()
    cutoff = time.time() - older_than.total_seconds()
    # Listed before the rows are read: a file committed meanwhile is then in `keep`.
    candidates = [name for name in backend.modified_before(cutoff) if GENERATED.match(name)]
    keep = referenced_names() | tombstoned_names()
    removed = [name for name in candidates if name not in keep]
    for name in removed:
        backend.discard(name)
    return removed
