"""The production job path: a real `flask worker` (RQ's forking worker) runs heavy jobs one
after another. Every job runs in a freshly forked work horse, which must open its own database
connections: a horse that inherited the worker's connection broke every job after the first on
PostgreSQL (psycopg's DuplicatePreparedStatement). Three book builds in a row, each after a
change, must all be done, each book showing the change."""
import io
import os
import time

from pypdf import PdfReader

from reviewapp.cases.models import Case
from reviewapp.extensions import db
from reviewapp.jobs.models import Job
from reviewapp.publishing.models import BookBuild
from tests.durability.support import children, kill, process_env, read_line, spawn
from tests.durability.test_kill_book_build import (
    START_TIMEOUT, book_campaign, build_and_check_pdf, campaign_page, fresh, rebuild_through_the_form)


def test_three_book_builds_in_a_row_on_the_forking_worker_are_all_done(app, tmp_path):
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    connection.ping()  # the real server must answer: CI starts it
    queue_name = f"reviewapp-forking-{os.getpid()}"
    Queue(queue_name, connection=connection).empty()
    campaign, _admin, client = book_campaign(app)
    case = db.session.scalars(db.select(Case).filter_by(campaign_id=campaign.id)).first()
    instance = tmp_path / "worker-instance"
    worker = spawn("worker.py", [], dict(process_env(app, instance), DUR_JOB_QUEUE=queue_name),
                   tmp_path / "worker.log")
    try:
        assert read_line(worker, START_TIMEOUT) == "ready"
        app.config.update(JOB_BACKEND="rq", JOB_QUEUE=queue_name)
        horses = set()
        for number in range(3):
            case = db.session.get(Case, case.id)
            case.title = f"第{number + 1}次修改后的案例标题"
            db.session.commit()
            build = rebuild_through_the_form(client, campaign, campaign_page(client, campaign))
            deadline = time.monotonic() + START_TIMEOUT * 2
            while not (job := fresh(Job, build.job_id)).finished:
                assert time.monotonic() < deadline and worker.poll() is None, f"build {number + 1} did not run"
                horses.update(children(worker.pid))
                time.sleep(0.1)
            assert job.error is None, f"build {number + 1} failed: {job.error}"
            pdf = build_and_check_pdf(client, fresh(BookBuild, build.id))
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            assert f"第{number + 1}次修改后的案例标题" in text.replace("\n", "")
        assert worker.poll() is None and len(horses) >= 2  # one forked horse per job, the worker lives on
    finally:
        for pid in children(worker.pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        kill(worker)
        Queue(queue_name, connection=connection).empty()
