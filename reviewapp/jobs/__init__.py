"""Background jobs with progress: Office previews, book builds, mass mailings.

A job is a row (its state and progress are data any page can read) plus a
function named by "module:function" inside reviewapp. `enqueue()` adds the
row to the current transaction; the job starts only after that commits, on
the configured backend:

- "thread"  (embedded default): a thread of the app process; no extra service.
- "rq"      (production): a Redis queue served by `flask worker` processes.
- "inline"  (tests): runs right after the commit, before the request returns.
"""
from .models import Job, JobStatus
from .operations import JobAlreadyRunning, enqueue

__all__ = ["Job", "JobAlreadyRunning", "JobStatus", "enqueue"]
