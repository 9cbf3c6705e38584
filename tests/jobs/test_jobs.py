"""Background jobs start after commit, report progress, fail cleanly, and never
run twice for the same key; the Redis backend is exercised with a real server."""
from datetime import timedelta

import pytest

from reviewapp.extensions import db
from reviewapp.jobs import Job, JobAlreadyRunning, JobStatus, enqueue
from reviewapp.jobs.liveness import reap_dead_jobs
from reviewapp.timezones import utcnow
from tests.factories import make_user, sign_in_as

ECHO = "reviewapp.jobs.checks:echo"


def fetch(job_id):
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_job_runs_after_commit_with_progress(app):
    job = enqueue(ECHO, {"steps": 4, "message": "你好"})
    assert job.status is JobStatus.QUEUED
    db.session.commit()
    job = fetch(job.id)
    assert job.status is JobStatus.DONE
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.result == {"echo": "你好", "steps": 4}


def test_rolled_back_job_never_runs(app):
    job_id = enqueue(ECHO).id
    db.session.rollback()
    assert fetch(job_id) is None


def test_failure_is_recorded_with_its_message(app):
    job = enqueue(ECHO, {"fail": "no cases selected"})
    db.session.commit()
    job = fetch(job.id)
    assert job.status is JobStatus.FAILED and job.error == "no cases selected"


def test_same_key_is_refused_while_unfinished(app):
    app.config["JOB_BACKEND"] = "rq-not-started"  # keep the first job queued
    first = enqueue(ECHO, key="book:1")
    with pytest.raises(JobAlreadyRunning) as refused:
        enqueue(ECHO, key="book:1")
    assert refused.value.job.id == first.id
    enqueue(ECHO, key="book:2")


def test_only_reviewapp_functions_may_run(app):
    with pytest.raises(ValueError):
        enqueue("os:system", {"cmd": "true"})


def test_interrupted_jobs_are_released_so_they_can_rerun(app):
    job = Job(function=ECHO, key="book:9", status=JobStatus.RUNNING,
              heartbeat_at=utcnow() - timedelta(hours=1))
    db.session.add(job)
    db.session.commit()
    assert reap_dead_jobs() == [job.id]
    assert fetch(job.id).status is JobStatus.INTERRUPTED and job.finished_at
    enqueue(ECHO, key="book:9")  # the key is free again


def test_progress_page_is_for_the_creator_and_admins(app):
    owner = make_user("unit", email="owner@example.cn")
    job = enqueue(ECHO, {"steps": 2}, actor=owner)
    db.session.commit()
    data = sign_in_as(app.test_client(), owner).get(f"/jobs/{job.id}.json").get_json()
    assert data["status"] == "done" and data["percent"] == 100
    assert sign_in_as(app.test_client(), make_user("admin")).get(f"/jobs/{job.id}.json").status_code == 200
    stranger = sign_in_as(app.test_client(), make_user("expert"))
    assert stranger.get(f"/jobs/{job.id}.json").status_code == 404
    assert app.test_client().get(f"/jobs/{job.id}.json").status_code == 302


def test_redis_queue_and_worker(app):
    import redis
    from rq import Queue, SimpleWorker
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    connection.ping()  # the real server must answer: CI starts it
    app.config.update(JOB_BACKEND="rq", JOB_QUEUE="reviewapp-test")
    queue = Queue("reviewapp-test", connection=connection)
    queue.empty()
    job = enqueue(ECHO, {"steps": 3})
    db.session.commit()
    assert fetch(job.id).status is JobStatus.QUEUED and queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert fetch(job.id).status is JobStatus.DONE
