"""Noticing dead jobs.

A running job's heartbeat (`Heartbeat`, a thread beside the work) writes
`Job.heartbeat_at` every few seconds on a connection of its own, so it never
commits the job's work and keeps beating while one step takes long. A running
job whose heartbeat is older than JOB_HEARTBEAT_TIMEOUT seconds is dead (its
process was killed): whoever looks next (its progress, the page listing it, a
new request for the same key, the worker loop) marks it interrupted, which
frees its key, and removes its work folder (`work_folder`, named after the job).
"""
import logging
import shutil
import threading
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..extensions import db
from ..timezones import utcnow
from .models import Job, JobStatus

log = logging.getLogger(__name__)
WORK_FOLDERS = "job-work"


def heartbeat_timeout():
    return timedelta(seconds=current_app.config["JOB_HEARTBEAT_TIMEOUT"])


def beat_interval():
    """Seconds between heartbeats: several per timeout, at most every 5 s."""
    return max(0.2, min(5.0, heartbeat_timeout().total_seconds() / 4))


def work_folder(job_id, create=True):
    """The job's own folder for temporary files; removed when it ends or is found dead."""
    folder = Path(current_app.config["INSTANCE_DIR"]) / WORK_FOLDERS / f"job-{job_id}"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class Heartbeat:
    """`with Heartbeat(job_id):` keeps the running job's heartbeat fresh until the block ends."""

    def __init__(self, job_id):
        self.job_id, self.app = job_id, current_app._get_current_object()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        # Briefly: a beat waiting for a lock the job's own transaction holds (SQLite) ends
        # by itself once the job commits, and then finds the job no longer running.
        self._thread.join(timeout=2)

    def _run(self):
        with self.app.app_context():
            interval = beat_interval()
            while not self._stop.wait(interval):
                try:
                    with db.engine.begin() as connection:  # a short transaction of its own
                        beating = connection.execute(update(Job).where(
                            Job.id == self.job_id, Job.status == JobStatus.RUNNING).values(
                            heartbeat_at=utcnow())).rowcount
                except SQLAlchemyError:  # the database is busy or away: try again next beat
                    log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
                    continue
                if not beating:  # finished, or declared dead by someone else
                    return


def dead_condition(older_than=None):
    """Jobs silent for `older_than` (default: the heartbeat timeout)."""
    limit = utcnow() - (heartbeat_timeout() if older_than is None else older_than)
    dead = (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < limit)
    if current_app.config.get("JOB_BACKEND") != "rq":
        # With the thread (or inline) backend a job lives only in the process that queued it
        # and starts right after the commit: one still queued that long never will. An RQ job
        # may wait in Redis for a free worker, so it is left queued.
        dead = dead | ((Job.status == JobStatus.QUEUED) & (Job.created_at < limit))
    return dead


def interrupt(executor, condition):
    """Mark the jobs matching `condition` interrupted, on `executor` (the session or a
    connection); returns their ids."""
    return list(executor.execute(update(Job).where(condition).values(
        status=JobStatus.INTERRUPTED, finished_at=utcnow()).returning(Job.id)).scalars())


def reap_dead_jobs(older_than=None):
    """Mark dead jobs interrupted in a short transaction of its own (never committing the
    caller's work), then remove the work folders no live job owns; returns the ids marked.

    The session's objects of those jobs are expired, so the caller reads them anew."""
    condition = dead_condition(older_than)
    try:
        with db.engine.connect() as connection:
            if connection.scalar(select(Job.id).where(condition).limit(1)) is None:
                return []  # nothing dead: no write (SQLite would lock the file for it)
        with db.engine.begin() as connection:
            ids = interrupt(connection, condition)
    except OperationalError:  # the database is busy (SQLite): the next reader tries again
        log.warning("dead jobs not reaped", exc_info=True)
        return []
    for job in [obj for obj in db.session.identity_map.values() if isinstance(obj, Job)]:
        if job.id in ids:
            db.session.expire(job)
    remove_work_folders()
    if ids:
        log.warning("jobs %s had no heartbeat for %s: marked interrupted", ids, heartbeat_timeout())
    return ids


def remove_work_folders():
    """Remove the work folders of jobs that are not running with a fresh heartbeat (ended,
    found dead, or rolled back); returns how many were removed."""
    root = Path(current_app.config["INSTANCE_DIR"]) / WORK_FOLDERS
    if not root.is_dir():
        return 0
    folders = {int(path.name[4:]): path for path in root.iterdir()
               if path.name.startswith("job-") and path.name[4:].isdigit()}
    if not folders:
        return 0
    with db.engine.connect() as connection:
        alive = set(connection.scalars(select(Job.id).where(
            Job.id.in_(folders), Job.status == JobStatus.RUNNING,
            Job.heartbeat_at >= utcnow() - heartbeat_timeout())))
    for job_id, path in folders.items():
        if job_id not in alive:
            shutil.rmtree(path, ignore_errors=True)
    return len(folders) - len(alive)
