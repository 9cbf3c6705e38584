"""The heavy work on an evidence file, done in the job queue after the upload is stored.

The request stores the original once its type and (for photos) header dimensions are
checked; a job then decodes it fully, makes the blind copy, the thumbnail and the
print-size photo, judges the blind copy for identity mentions and queues the Office
preview. Each file is WAITING (for a slot of its organization), PROCESSING (its job is
queued or running), READY or FAILED (with the reason, and a retry). An organization has at
most EVIDENCE_JOBS_PER_ORGANIZATION files processing: the rest wait and start as slots free
up, so one applicant's pixel-heavy upload cannot hold every worker. A job that dies
(its worker killed) is found by `reconcile` and its file marked failed, never left
processing forever; a case cannot be submitted while a file is not ready.
"""
import logging
import os
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal

from ..audit import record
from ..extensions import db
from ..jobs import JobAlreadyRunning, JobStatus, enqueue
from ..jobs.liveness import dead_condition
from ..jobs.models import ACTIVE, Job
from ..jobs.operations import active_job
from ..jobs.runner import JobFailed
from ..locking import lock_for_write
from ..storage import storage
from ..timezones import utcnow
from .models import Case, Evidence

WAITING, PROCESSING, READY, FAILED = "waiting", "processing", "ready", "failed"
FUNCTION = "reviewapp.cases.processing:process_evidence"
THUMBNAIL_SIZE = (360, 360)
log = logging.getLogger(__name__)

STATE_LABELS = {WAITING: _l("Waiting to be processed"), PROCESSING: _l("Processing"),
                READY: _l("Ready"), FAILED: _l("Failed")}
INTERRUPTED = _l("The processing of this file stopped because the server process running it ended. "
                 "Try again.")
UNEXPECTED = _l("The processing of this file failed unexpectedly; it has been logged. Try again, or "
                "save the file again and upload the new copy.")


KEY_PREFIX = "evidence:"


def processing_key(evidence_id):
    return f"{KEY_PREFIX}{evidence_id}"


def _stuck_before():
    """A job still queued since before this never starts (an RQ job whose Redis entry was lost)."""
    return utcnow() - timedelta(seconds=current_app.config["JOB_TIMEOUT"])


def per_organization():
    return max(1, current_app.config["EVIDENCE_JOBS_PER_ORGANIZATION"])


def _of_organization(organization_id, state):
    return (db.select(Evidence).join(Case, Evidence.case_id == Case.id)
            .filter(Case.organization_id == organization_id, Evidence.processing == state))


def dispatch(actor, organization):
    """Start the waiting files of `organization` while it has fewer than its limit processing;
    decided under the organization's lock, so two uploads at once never pass the limit. Flushes;
    the jobs start after the caller commits."""
    lock_for_write(organization)
    running = db.session.scalar(db.select(func.count()).select_from(
        _of_organization(organization.id, PROCESSING).subquery()))
    free = per_organization() - running
    if free <= 0:
        return []
    started = []
    for item in db.session.scalars(_of_organization(organization.id, WAITING)
                                   .order_by(Evidence.id).limit(free)):
        try:
            enqueue(FUNCTION, {"evidence_id": item.id}, actor, key=processing_key(item.id), total=1)
        except JobAlreadyRunning:  # its job is still under way (a retry sent twice)
            pass
        item.processing = PROCESSING
        started.append(item)
    db.session.flush()
    return started


def _job_gone(evidence_id):
    """True when the file's job has ended or died: no heartbeat (liveness.py), or still queued
    after JOB_TIMEOUT (an RQ job whose Redis entry was lost never starts)."""
    job = active_job(processing_key(evidence_id))
    if job is None:
        return True
    if job.status is JobStatus.QUEUED and job.created_at < _stuck_before():
        job.status, job.finished_at = JobStatus.INTERRUPTED, utcnow()
        return True
    return False


def _without_live_job(organization_id):
    """The organization's processing files that no live job holds, in one query: the evidence
    page polls this every few seconds while files are processed, and nearly always every job
    is alive (_job_gone decides for the few this returns)."""
    key = literal(KEY_PREFIX) + cast(Evidence.id, String)  # processing_key, in SQL
    live = (db.select(Job.id).where(Job.key == key, Job.status.in_(ACTIVE), ~dead_condition(),
                                    ~((Job.status == JobStatus.QUEUED) & (Job.created_at < _stuck_before())))
            .exists())
    return db.session.scalars(_of_organization(organization_id, PROCESSING).where(~live)).all()


def reconcile(case, start=True):
    """Mark failed the files of `case`'s organization whose job died (they hold its slots), then
    (with `start`) start its waiting files. Returns True when something changed (the caller
    commits)."""
    dead = [item for item in _without_live_job(case.organization_id) if _job_gone(item.id)]
    waiting = start and db.session.scalar(_of_organization(case.organization_id, WAITING).limit(1)) is not None
    if not dead and not waiting:
        return False
    if start:  # the organization before the evidence rows (see process_evidence)
        lock_for_write(case.organization)
    failed = 0
    for item in dead:
        db.session.refresh(item)  # a job that ended just now has committed its outcome first
        if item.processing == PROCESSING:
            item.processing, item.processing_error = FAILED, str(INTERRUPTED)
            failed += 1
    return bool(start and dispatch(None, case.organization)) or bool(failed)


def not_ready(case):
    """(files still processing or waiting, files that failed) of `case`."""
    files = [item for item in case.evidence if item.kind != "link"]
    busy = [item for item in files if item.processing in (WAITING, PROCESSING)]
    return busy, [item for item in files if item.processing == FAILED]


def require_ready(case):
    """Raise CaseError naming the files that are not ready (a submission waits for them)."""
    from .operations import CaseError

    reconcile(case, start=False)  # under the case's lock: the organization's is not taken after it
    busy, failed = not_ready(case)
    if busy:
        raise CaseError(_l("The case cannot be submitted yet: these files are still being processed: "
                           "%(names)s. Wait a moment and submit again.",
                           names=_names(busy)))
    if failed:
        raise CaseError(_l("The case cannot be submitted yet: these files could not be processed: "
                           "%(names)s. Try them again or remove them on the evidence page.",
                           names=_names(failed)))


def _names(items):
    from ..i18n import current_language

    return ("、" if current_language() == "zh" else ", ").join(item.original_name for item in items)


def retry(actor, evidence):
    """Queue a failed file's processing again."""
    lock_for_write(evidence.case.organization)  # before writing (see process_evidence)
    if evidence.processing != FAILED:
        return False
    evidence.processing, evidence.processing_error = WAITING, None
    db.session.flush()
    record(actor, "evidence.retried", evidence, changes={"case": evidence.case_id})
    dispatch(actor, evidence.case.organization)
    return True


def states(case):
    """What the evidence page shows and polls: each file's state, its label and reason."""
    return [{"id": item.id, "state": item.processing, "label": str(STATE_LABELS[item.processing]),
             "error": item.processing_error, "ready": item.ready}
            for item in case.evidence if item.kind != "link"]


def _derived_files(evidence, data):
    """{column: bytes} of the files made from the original; UploadRefused with the reason."""
    from ..publishing.photos import JPEG_QUALITY, PRINT_MAX_PX
    from .blind import blind_photo_files, make_blind_copy
    from .uploads import PHOTO

    if evidence.kind == PHOTO:  # one decode, strict: a damaged photo is refused with its reason
        made = blind_photo_files(data, evidence.original_name, THUMBNAIL_SIZE, PRINT_MAX_PX, JPEG_QUALITY)
        return {"blind_storage_name": made.blind, "thumbnail_name": made.thumbnail,
                "print_storage_name": made.print}
    return {"blind_storage_name": make_blind_copy(data, evidence.kind, evidence.original_name)}


def _extension(column, evidence):
    if column in ("thumbnail_name", "print_storage_name"):
        return "jpg"
    return evidence.storage_name.rsplit(".", 1)[-1]


def process_evidence(job, progress):
    """Job: the blind copy, thumbnail and print-size photo of one stored file, then its
    identity flags and (Office) preview. A refusal marks the file failed with the reason."""
    from .checks import file_identity_flags, identity_of
    from .uploads import UploadRefused

    evidence_id = job.params["evidence_id"]
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.processing != PROCESSING:
        return {"evidence_id": evidence_id, "skipped": True}  # deleted, or no longer this job's
    written = []
    try:
        files = _derived_files(evidence, storage().read(evidence.storage_name))
        names = {}
        for column, content in files.items():
            names[column] = f"{os.urandom(16).hex()}.{_extension(column, evidence)}"
            storage().write(names[column], content)
            written.append(names[column])
        case = evidence.case
        flags = file_identity_flags(evidence, identity_of(case), files["blind_storage_name"],
                                    case.organization.contact_person)
        # Before the first write, as an upload does: the organization, then its cases' rows (on
        # PostgreSQL writing an evidence row share-locks its case, which an upload locks after it).
        lock_for_write(case.organization)
        for column, name in names.items():
            setattr(evidence, column, name)
        evidence.identity_flags = flags
        evidence.processing, evidence.processing_error = READY, None
        if evidence.kind == "office":
            from .previews import queue_preview
            queue_preview(job.created_by, evidence)
        dispatch(job.created_by, case.organization)
        progress(1, 1)  # commits: the file is ready, the next waiting one starts
    except Exception as error:
        db.session.rollback()
        for name in written:  # no committed row names them
            storage().delete(name)
        if isinstance(error, UploadRefused):
            message = str(error.message)
        else:
            log.exception("processing evidence %s failed", evidence_id)
            message = str(UNEXPECTED)
        _fail(job, evidence_id, message)
        raise JobFailed(message) from error
    return {"evidence_id": evidence_id, "files": len(written)}


def _fail(job, evidence_id, message):
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        return
    lock_for_write(evidence.case.organization)
    evidence.processing, evidence.processing_error = FAILED, message
    dispatch(job.created_by, evidence.case.organization)
    db.session.commit()
