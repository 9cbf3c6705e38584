"""The recovery step after a crash (`flask jobs-recover`) removes only what is safe to remove."""
import os
import time
from datetime import timedelta

from reviewapp.cases import evidence as store
from reviewapp.extensions import db
from reviewapp.jobs.models import Job, JobStatus
from reviewapp.jobs.liveness import reap_dead_jobs
from reviewapp.storage.sweep import remove_unreferenced
from reviewapp.timezones import utcnow
from tests.factories import make_campaign, make_organization
from tests.publishing.data import _case, jpeg_with_gps

HOUR_AGO = time.time() - 3600


def test_sweep_removes_only_old_files_no_row_names(app):
    org_user = make_organization()
    case = _case(make_campaign(), org_user, "draft", "社区健身指导常态化")
    evidence = store.add_file(org_user, case, jpeg_with_gps(), "kept.jpg")
    db.session.commit()
    folder = app.config["UPLOAD_FOLDER"]
    (folder / "builds").mkdir(exist_ok=True)
    files = {
        "orphan": f"{'a' * 32}.jpg", "orphan_build": f"builds/{'b' * 32}.pdf",
        "temporary": ".incoming-x1y2_z3", "recent": f"{'c' * 32}.jpg",
        "not_ours": "reviewapp.sqlite", "not_ours_either": "notes.txt",
    }
    for name in files.values():
        (folder / name).write_bytes(b"data")
    for name in [evidence.storage_name, evidence.blind_storage_name, evidence.thumbnail_name, evidence.print_storage_name,
                 *(files[k] for k in ("orphan", "orphan_build", "temporary", "not_ours", "not_ours_either"))]:
        os.utime(folder / name, (HOUR_AGO, HOUR_AGO))

    removed = remove_unreferenced(older_than=timedelta(minutes=10))

    assert sorted(removed) == sorted([files["orphan"], files["orphan_build"], files["temporary"]])
    left = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert left == {evidence.storage_name, evidence.blind_storage_name, evidence.thumbnail_name, evidence.print_storage_name,
                    files["recent"], files["not_ours"], files["not_ours_either"]}


def test_queued_jobs_of_a_dead_process_fail_but_rq_jobs_may_wait(app):
    old = utcnow() - timedelta(hours=1)
    queued = Job(function="reviewapp.jobs.checks:echo", key="book:1", status=JobStatus.QUEUED, created_at=old)
    fresh = Job(function="reviewapp.jobs.checks:echo", key="book:2", status=JobStatus.QUEUED)
    db.session.add_all([queued, fresh])
    db.session.commit()
    app.config["JOB_BACKEND"] = "rq"      # a Redis queue may hold a job until a worker is free
    assert reap_dead_jobs() == []
    app.config["JOB_BACKEND"] = "thread"  # the job lived only in the process that queued it
    assert reap_dead_jobs() == [queued.id]
    assert queued.status is JobStatus.INTERRUPTED and fresh.status is JobStatus.QUEUED
