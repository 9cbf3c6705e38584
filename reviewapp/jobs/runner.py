"""Running a job: mark it running, call its function with a progress callback,
record the outcome. Every state change is committed at once so that pages
polling the job see it; a heartbeat thread shows it is alive (liveness.py)."""
import importlib
import logging
import shutil

from flask import has_app_context
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..timezones import utcnow
from .liveness import Heartbeat, work_folder
from .models import Job, JobStatus

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised by a job function with a message the user may read."""


def _function(path):
    module_name, _, name = path.partition(":")
    if not module_name.startswith("reviewapp."):
        raise ValueError(path)
    return getattr(importlib.import_module(module_name), name)


def run_job(job_id, on_progress=None):
    """Run one queued job to its end; returns the job. Never raises for job errors.
    `on_progress(done, total)` is told every step as well (a terminal progress bar)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return job
    job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, utcnow(), utcnow()
    db.session.commit()

    def progress(done, total=None):
        job.progress_done = done
        if total is not None:
            job.progress_total = total
        job.heartbeat_at = utcnow()
        db.session.commit()
        if on_progress:
            on_progress(done, job.progress_total)

    try:
        with Heartbeat(job_id):
            result = _function(job.function)(job, progress)
    except JobFailed as error:
        db.session.rollback()
        _finish(job_id, JobStatus.FAILED, error=str(error))
    except Exception:  # a job must never take its worker down
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.function)
        _finish(job_id, JobStatus.FAILED, error=str(_l("The job failed unexpectedly; it has been logged.")))
    else:
        _finish(job_id, JobStatus.DONE, result=result)
    finally:
        shutil.rmtree(work_folder(job_id, create=False), ignore_errors=True)
    return db.session.get(Job, job_id)


def _finish(job_id, status, result=None, error=None):
    job = db.session.get(Job, job_id)
    job.status, job.result, job.error, job.finished_at = status, result, error, utcnow()
    db.session.commit()


def run_job_in_new_app(job_id):
    """Entry point for RQ workers: uses the worker's app, or builds one."""
    if has_app_context():
        return run_job(job_id)
    from .. import create_app
    with create_app().app_context():
        run_job(job_id)
