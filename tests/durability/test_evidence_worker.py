"""Uploaded photos processed by the production job path: a real `flask worker` (RQ's forking
worker, a fresh work horse per job) makes each photo's blind copy, thumbnail and print-size
photo after the upload request has returned, and the expert then gets the blind copy."""
import io
import os
import time

from PIL import Image

from reviewapp.cases import processing
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.jobs.models import Job
from tests.cases.test_evidence_processing import exif_photo
from tests.cases.test_evidence_routes import upload
from tests.durability.support import children, kill, process_env, read_line, spawn
from tests.durability.test_kill_book_build import START_TIMEOUT
from tests.factories import make_campaign, make_organization, sign_in_as


def test_photos_uploaded_are_processed_by_the_forking_worker(app, tmp_path):
    import redis
    from rq import Queue

    from reviewapp.cases.models import Case

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    connection.ping()  # the real server must answer: CI starts it
    queue_name = f"reviewapp-evidence-{os.getpid()}"
    Queue(queue_name, connection=connection).empty()
    campaign = make_campaign()
    applicant = make_organization(short_names="朝阳社体协会")
    case = Case(campaign=campaign, organization=applicant.organization)
    db.session.add(case)
    db.session.commit()
    client = sign_in_as(app.test_client(), applicant)
    worker = spawn("worker.py", [], dict(process_env(app, tmp_path / "worker-instance"), DUR_JOB_QUEUE=queue_name),
                   tmp_path / "worker.log")
    try:
        assert read_line(worker, START_TIMEOUT) == "ready"
        app.config.update(JOB_BACKEND="rq", JOB_QUEUE=queue_name, EVIDENCE_JOBS_PER_ORGANIZATION=2)
        photos = [(f"晨练-{n}.jpg", exif_photo(size=(2600 + 100 * n, 1800))) for n in range(3)]
        started = time.monotonic()
        assert upload(client, case, *photos).status_code == 302
        request_seconds = time.monotonic() - started
        db.session.expire_all()
        states = [item.processing for item in db.session.scalars(db.select(Evidence).order_by(Evidence.id))]
        assert states.count("ready") < 3  # the request returned before the work was done
        deadline, horses = time.monotonic() + START_TIMEOUT * 2, set()
        while True:
            client.get(f"/cases/{case.id}/evidence/processing.json")  # what the page polls
            db.session.expire_all()
            items = db.session.scalars(db.select(Evidence).order_by(Evidence.id)).all()
            if all(item.processing in ("ready", "failed") for item in items):
                break
            assert time.monotonic() < deadline and worker.poll() is None, f"still {states}"
            horses.update(children(worker.pid))
            time.sleep(0.2)
        assert [item.processing for item in items] == ["ready"] * 3, [item.processing_error for item in items]
        jobs = db.session.scalars(db.select(Job).filter_by(function=processing.FUNCTION)).all()
        assert len(jobs) == 3 and all(job.error is None for job in jobs)
        for item, (_name, original) in zip(items, photos):
            blind = client.get(f"/cases/{case.id}/evidence/{item.id}/view").data
            assert b"Wang Li" in original and b"Wang Li" not in blind
            with Image.open(io.BytesIO(blind)) as image:
                assert max(image.size) == 2400
            assert client.get(f"/cases/{case.id}/evidence/{item.id}/thumbnail").mimetype == "image/jpeg"
            assert item.print_storage_name
        assert worker.poll() is None and horses  # one forked horse per job, the worker lives on
        print(f"upload request of 3 photos: {request_seconds:.2f} s")
    finally:
        for pid in children(worker.pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        kill(worker)
        Queue(queue_name, connection=connection).empty()
