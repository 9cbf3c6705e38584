"""Queueing jobs. The job starts only once the enqueuing transaction commits."""
import shutil
import threading

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..audit import record
from ..extensions import db
from .liveness import dead_condition, interrupt, work_folder
from .models import ACTIVE, Job

_QUEUE_KEY = "jobs_to_start"


class JobAlreadyRunning(Exception):
    """Another unfinished job holds the same key; `job` is that one."""

    def __init__(self, job):
        super().__init__(f"job {job.id} is still {job.status.value}")
        self.job = job
        self.message = _l("The same work is already under way; wait for it to finish.")


def active_job(key):
    """The unfinished job holding `key`, or None. One found dead (no heartbeat) is marked
    interrupted in the caller's transaction instead, which frees the key."""
    job = db.session.scalar(db.select(Job).filter(Job.key == key, Job.status.in_(ACTIVE)))
    if job is not None and interrupt(db.session, (Job.id == job.id) & dead_condition()):
        db.session.refresh(job)
        shutil.rmtree(work_folder(job.id, create=False), ignore_errors=True)
        return None
    return job


def enqueue(function, params=None, actor=None, key=None, total=0):
    """Add a job running `function` ("reviewapp.module:name") with JSON `params`.

    Raises JobAlreadyRunning when an unfinished job has the same `key`. Flushes;
    the job is handed to the backend after the caller commits.
    """
    if not function.startswith("reviewapp."):
        raise ValueError("jobs run only functions of reviewapp")
    if key is not None:
        running = active_job(key)
        if running is not None:
            raise JobAlreadyRunning(running)
    job = Job(function=function, params=params or {}, key=key, progress_total=total,
              created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    record(actor, "job.queued", job, changes={"function": function, "key": key})
    app = current_app._get_current_object()
    db.session.info.setdefault(_QUEUE_KEY, []).append((app, job.id))
    return job


def _start(app, job_id):
    backend = app.config["JOB_BACKEND"]
    if backend == "manual":  # the caller runs it (a CLI command showing its own progress bar)
        return
    if backend == "inline":
        from .runner import run_job
        with app.app_context():
            run_job(job_id)
    elif backend == "rq":
        from redis import Redis
        from rq import Queue
        queue = Queue(app.config["JOB_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue("reviewapp.jobs.runner.run_job_in_new_app", job_id,
                      job_timeout=app.config["JOB_TIMEOUT"])
    else:
        from .runner import run_job

        def work():
            with app.app_context():
                run_job(job_id)
        threading.Thread(target=work, name=f"job-{job_id}", daemon=True).start()


@event.listens_for(Session, "after_commit")
def _start_after_commit(session):
    for app, job_id in session.info.pop(_QUEUE_KEY, []):
        _start(app, job_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_QUEUE_KEY, None)
