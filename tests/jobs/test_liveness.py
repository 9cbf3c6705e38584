"""A running job shows it is alive by its heartbeat; one whose heartbeat stops is shown as
interrupted to whoever follows it, its key is free again and its work folder is removed."""
import time
from datetime import timedelta

from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus, enqueue
from reviewapp.jobs.liveness import remove_work_folders, work_folder
from reviewapp.timezones import utcnow
from tests.factories import make_user, sign_in_as

ECHO = "reviewapp.jobs.checks:echo"


def dead_job(user=None, key="book:7", seconds=10):
    job = Job(function=ECHO, key=key, status=JobStatus.RUNNING, progress_done=14, progress_total=43,
              heartbeat_at=utcnow() - timedelta(seconds=seconds), created_by_id=getattr(user, "id", None))
    db.session.add(job)
    db.session.commit()
    (work_folder(job.id) / "chunk.pdf").write_bytes(b"half a render")
    return job


def test_a_job_without_heartbeat_shows_interrupted_in_both_languages(app):
    app.config["JOB_HEARTBEAT_TIMEOUT"] = 5
    owner = make_user("admin")
    job = dead_job(owner, seconds=4)
    client = sign_in_as(app.test_client(), owner)
    assert client.get(f"/jobs/{job.id}.json").get_json()["status"] == "running"  # not silent long enough
    assert work_folder(job.id, create=False).exists()

    time.sleep(1.2)
    data = client.get(f"/jobs/{job.id}.json").get_json()
    assert (data["status"], data["label"], data["finished"]) == ("interrupted", "Interrupted", True)
    assert "Start it again" in data["error"]
    assert not work_folder(job.id, create=False).exists()
    owner.locale = "zh"
    db.session.commit()
    data = client.get(f"/jobs/{job.id}.json").get_json()
    assert data["label"] == "已中断" and "请重新开始" in data["error"]


def test_a_new_request_for_the_key_of_a_dead_job_is_accepted(app):
    app.config["JOB_HEARTBEAT_TIMEOUT"] = 3
    dead = dead_job()
    again = enqueue(ECHO, {"steps": 1}, key="book:7")
    db.session.commit()
    assert db.session.get(Job, dead.id).status is JobStatus.INTERRUPTED
    assert db.session.get(Job, again.id).status is JobStatus.DONE
    assert not work_folder(dead.id, create=False).exists()


def test_a_long_step_keeps_beating_and_is_never_taken_for_dead(app):
    """Two steps of 2.5 s without a progress report, with a 1 s timeout: only the heartbeat
    thread keeps the job alive."""
    app.config.update(JOB_HEARTBEAT_TIMEOUT=1, JOB_BACKEND="thread")
    owner = make_user("admin")
    client = sign_in_as(app.test_client(), owner)
    job = enqueue(ECHO, {"steps": 2, "sleep": 2.5}, actor=owner, key="book:8")
    db.session.commit()
    beats, deadline = set(), time.monotonic() + 30
    while (data := client.get(f"/jobs/{job.id}.json").get_json())["status"] in ("queued", "running"):
        db.session.rollback()
        beats.add(db.session.scalar(db.select(Job.heartbeat_at).filter(Job.id == job.id)))
        db.session.rollback()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert data["status"] == "done" and data["percent"] == 100
    assert len(beats) >= 6  # about four a second for five seconds, each on its own commit


def test_work_folders_are_removed_unless_their_job_is_alive(app):
    alive = Job(function=ECHO, status=JobStatus.RUNNING, heartbeat_at=utcnow())
    done = Job(function=ECHO, status=JobStatus.DONE)
    db.session.add_all([alive, done])
    db.session.commit()
    for job_id in (alive.id, done.id, 999999):  # 999999: a job rolled back, or long deleted
        work_folder(job_id)
    assert remove_work_folders() == 2
    assert work_folder(alive.id, create=False).exists()
    assert not work_folder(done.id, create=False).exists() and not work_folder(999999, create=False).exists()


def test_the_rq_worker_loop_releases_dead_jobs(app):
    import redis
    from rq import Queue

    from reviewapp.jobs.worker import JobWorker
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    app.config.update(JOB_BACKEND="rq", JOB_QUEUE="reviewapp-test-liveness", JOB_HEARTBEAT_TIMEOUT=3)
    queue = Queue("reviewapp-test-liveness", connection=connection)
    queue.empty()
    job_id = dead_job().id
    JobWorker([queue], connection=connection).work(burst=True)
    assert db.session.get(Job, job_id).status is JobStatus.INTERRUPTED
    assert not work_folder(job_id, create=False).exists()


def test_the_migration_turns_jobs_recovered_as_failed_into_interrupted_and_back(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    def statuses():
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT status, error FROM jobs ORDER BY id")).all()

    db.session.remove()
    downgrade(revision="0009_case_start_and_snapshot")
    with db.engine.begin() as connection:
        for error in ("任务被中断，请重新运行。", "no cases selected"):
            connection.execute(text("INSERT INTO jobs (function, status, params, progress_done, progress_total, "
                                    "error, created_at) VALUES (:f, 'failed', '{}', 0, 0, :e, :now)"),
                               {"f": ECHO, "e": error, "now": utcnow().replace(tzinfo=None)})
    upgrade(revision="0010_job_interrupted")
    assert statuses() == [("interrupted", None), ("failed", "no cases selected")]
    downgrade(revision="0009_case_start_and_snapshot")
    assert statuses() == [("failed", "The job was interrupted; run it again."), ("failed", "no cases selected")]
    upgrade(revision="heads")
