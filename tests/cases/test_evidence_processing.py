"""Heavy per-file work runs in the job queue after the upload is stored (#17.2, #16.6): the
evidence page shows each file's state, a case waits for its files, a failed or interrupted
job leaves a retry, and each organization has a limited number of files processing at once."""
import io
from datetime import timedelta

from PIL import Image

from reviewapp.cases import processing
from reviewapp.cases.models import Case, Evidence
from reviewapp.cases.workflow import CaseState
from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus
from reviewapp.jobs.runner import run_job
from reviewapp.auth.models import User
from reviewapp.storage import storage
from reviewapp.timezones import utcnow
from tests.cases.conftest import complete, jpeg_bytes
from tests.cases.test_evidence_routes import upload
from tests.cases.test_submission import beijing_bureau, post_submit, reload
from tests.factories import csrf_from


def exif_photo(size=(3000, 2000)):
    """A JPEG carrying the camera owner's name in its EXIF."""
    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[0x013B] = "Wang Li, Chaoyang Sports Association"  # Artist
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def evidence_rows():
    db.session.expire_all()
    return db.session.scalars(db.select(Evidence).order_by(Evidence.id)).all()


def processing_jobs(status=None):
    query = db.select(Job).filter_by(function=processing.FUNCTION).order_by(Job.id)
    if status is not None:
        query = query.filter_by(status=status)
    return db.session.scalars(query).all()


def run_queued():
    """What a worker does: run each queued processing job (and those they queue) to its end."""
    while queued := processing_jobs(JobStatus.QUEUED):
        for job in queued:
            run_job(job.id)
        db.session.expire_all()


def test_a_photo_is_processed_after_the_upload_and_only_then_offered(app, org_client, draft):
    app.config["JOB_BACKEND"] = "manual"  # the queue holds the job until a worker takes it
    original = exif_photo()
    assert upload(org_client, draft, ("晨练.jpg", original)).status_code == 302
    [item] = evidence_rows()
    assert item.processing == "processing" and item.storage_name
    assert item.blind_storage_name is None and item.thumbnail_name is None and item.print_storage_name is None
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert "Processing" in page and "the case can be submitted once every file is ready" in page
    assert "data-processing-url" in page and "Read in the browser" not in page
    assert org_client.get(f"/cases/{draft.id}/evidence/processing.json").json["files"] == [
        {"id": item.id, "state": "processing", "label": "Processing", "error": None, "ready": False}]

    run_queued()
    [item] = evidence_rows()
    assert item.processing == "ready" and item.blind_storage_name and item.thumbnail_name
    state = org_client.get(f"/cases/{draft.id}/evidence/processing.json").json["files"][0]
    assert state["state"] == "ready" and state["label"] == "Ready"
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert "Processing" not in page and "data-processing-url" not in page and "Read in the browser" in page
    blind = org_client.get(f"/cases/{draft.id}/evidence/{item.id}/view").data
    assert b"Wang Li" in original and b"Wang Li" not in blind
    with Image.open(io.BytesIO(blind)) as image:
        assert max(image.size) == 2400 and not image.getexif()
    with Image.open(io.BytesIO(storage().read(item.print_storage_name))) as image:
        assert image.format == "JPEG" and max(image.size) == 1200 and not image.getexif()
    assert org_client.get(f"/cases/{draft.id}/evidence/{item.id}/thumbnail").mimetype == "image/jpeg"


def test_the_book_uses_the_print_size_photo_made_at_upload(app, org_client, draft, tmp_path):
    from reviewapp.publishing.photos import prepare_photo
    from reviewapp.publishing.sources import book_case

    upload(org_client, draft, ("晨练.jpg", exif_photo()))
    [item] = evidence_rows()
    [photo] = book_case(db.session.get(Case, draft.id)).photos
    assert photo.path.endswith(item.print_storage_name)
    assert prepare_photo(photo.path, str(tmp_path / "cache")) == photo.path  # no work at build time
    item.print_storage_name = None  # a photo stored before renditions existed: the blind copy
    db.session.commit()
    [photo] = book_case(db.session.get(Case, draft.id)).photos
    assert photo.path.endswith(item.blind_storage_name)


def test_submission_waits_for_the_files_and_names_them(app, org_client, draft):
    beijing_bureau()
    complete(draft)  # one photo, processed (the inline backend of the tests)
    app.config["JOB_BACKEND"] = "manual"
    upload(org_client, draft, ("活动合影.jpg", jpeg_bytes()), ("签到表.pdf", _pdf()))
    response = post_submit(org_client, draft)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "still being processed" in text and "活动合影.jpg" in text and "签到表.pdf" in text
    assert "晨练.jpg" not in text.split("still being processed")[1].split("</")[0]
    assert reload(draft).state is CaseState.DRAFT
    run_queued()
    assert post_submit(org_client, draft).status_code == 302
    assert reload(draft).state is CaseState.SUBMITTED


def test_submission_is_refused_in_chinese_naming_the_file(app, org_client, draft):
    beijing_bureau()
    complete(draft)
    app.config["JOB_BACKEND"] = "manual"
    upload(org_client, draft, ("活动合影.jpg", jpeg_bytes()))
    org_client.post("/language", data={"language": "zh"})
    page = org_client.get(f"/cases/{draft.id}/submit", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    response = org_client.post(f"/cases/{draft.id}/submit", data={"csrf_token": csrf_from(page)},
                               headers={"Accept-Language": "zh"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "活动合影.jpg" in text and "处理" in text


def test_a_damaged_photo_fails_with_the_reason_and_can_be_removed(app, org_client, draft):
    beijing_bureau()
    complete(draft)
    photo = jpeg_bytes(size=(800, 600))
    cut = photo[: len(photo) * 2 // 3]  # its header is whole: only decoding finds the damage
    assert upload(org_client, draft, ("cut.jpg", cut)).status_code == 302
    broken = evidence_rows()[-1]
    assert broken.processing == "failed" and broken.blind_storage_name is None
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert "could not be processed" in page and "damaged or incomplete" in page and "Try again" in page
    response = post_submit(org_client, draft)
    assert response.status_code == 409 and "could not be processed: cut.jpg" in response.get_data(as_text=True)
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    org_client.post(f"/cases/{draft.id}/evidence/{broken.id}/delete", data={"csrf_token": csrf_from(page)})
    assert post_submit(org_client, draft).status_code == 302


def test_a_failed_job_can_be_retried(app, org_client, draft, monkeypatch):
    from reviewapp.cases import blind

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(blind, "blind_photo_files", broken)  # a photo's blind copy, thumbnail and print size
        upload(org_client, draft, ("晨练.jpg", jpeg_bytes()))
    [item] = evidence_rows()
    assert item.processing == "failed" and "failed unexpectedly" in item.processing_error
    assert processing_jobs()[0].status is JobStatus.FAILED
    assert app.config["UPLOAD_FOLDER"].joinpath(item.storage_name).exists()
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert "Try again" in page
    response = org_client.post(f"/cases/{draft.id}/evidence/{item.id}/retry", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    [item] = evidence_rows()
    assert item.processing == "ready" and item.processing_error is None and item.blind_storage_name
    assert [job.status for job in processing_jobs()] == [JobStatus.FAILED, JobStatus.DONE]


def test_a_job_whose_worker_died_marks_the_file_failed_with_a_retry(app, org_client, draft):
    app.config["JOB_BACKEND"] = "manual"
    upload(org_client, draft, ("晨练.jpg", jpeg_bytes()))
    [job] = processing_jobs()
    job.status, job.heartbeat_at = JobStatus.RUNNING, utcnow() - timedelta(hours=1)  # killed mid-way
    db.session.commit()
    state = org_client.get(f"/cases/{draft.id}/evidence/processing.json").json["files"][0]
    assert state["state"] == "failed" and "server process running it ended" in state["error"]
    assert processing_jobs()[0].status is JobStatus.INTERRUPTED
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    org_client.post(f"/cases/{draft.id}/evidence/{evidence_rows()[0].id}/retry",
                    data={"csrf_token": csrf_from(page)})
    run_queued()
    assert evidence_rows()[0].processing == "ready"


def test_each_organization_processes_a_limited_number_of_files_at_once(app, org_client, draft,
                                                                        other_org_client, campaign):
    app.config.update(JOB_BACKEND="manual", EVIDENCE_JOBS_PER_ORGANIZATION=2)
    photos = [(f"photo-{n}.jpg", jpeg_bytes(color=(n * 20, 40, 60))) for n in range(5)]
    response = upload(org_client, draft, *photos)
    assert response.status_code == 302  # none refused: the extra files wait their turn
    assert [item.processing for item in evidence_rows()] == ["processing"] * 2 + ["waiting"] * 3
    assert len(processing_jobs(JobStatus.QUEUED)) == 2
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert page.count("Waiting to be processed") == 3

    # Another organization is not held up by the first one's queue.
    other_user = db.session.scalars(db.select(User).filter_by(email="other@example.cn")).one()
    other = Case(campaign=campaign, organization=other_user.organization)
    db.session.add(other)
    db.session.commit()
    upload(other_org_client, other, ("theirs.jpg", jpeg_bytes()))
    assert db.session.scalars(db.select(Evidence).filter_by(case_id=other.id)).one().processing == "processing"

    first = processing_jobs(JobStatus.QUEUED)[0]
    run_job(first.id)  # one done: the next waiting file of that organization starts
    states = [item.processing for item in evidence_rows() if item.case_id == draft.id]
    assert states == ["ready", "processing", "processing", "waiting", "waiting"]
    run_queued()
    assert all(item.processing == "ready" for item in evidence_rows())


def _pdf():
    import pikepdf
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


def test_checking_the_blind_copies_again_leaves_a_file_in_processing_to_its_job(app, org_client, draft):
    app.config["JOB_BACKEND"] = "manual"
    upload(org_client, draft, ("晨练.jpg", jpeg_bytes()))
    page = org_client.get(f"/cases/{draft.id}/blind-check").get_data(as_text=True)
    assert org_client.post(f"/cases/{draft.id}/blind-check", data={"csrf_token": csrf_from(page)}).status_code == 302
    [item] = evidence_rows()
    assert item.processing == "processing" and item.blind_storage_name is None  # no work in the request
    run_queued()
    assert evidence_rows()[0].blind_storage_name


def test_a_job_lost_from_the_queue_does_not_hold_the_file_forever(app, org_client, draft):
    app.config["JOB_BACKEND"] = "manual"
    upload(org_client, draft, ("晨练.jpg", jpeg_bytes()))
    app.config["JOB_BACKEND"] = "rq"  # a Redis queue may hold a job a while: a fresh one waits
    assert org_client.get(f"/cases/{draft.id}/evidence/processing.json").json["files"][0]["state"] == "processing"
    [job] = processing_jobs()
    job.created_at = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT"] + 60)  # its entry was lost
    db.session.commit()
    state = org_client.get(f"/cases/{draft.id}/evidence/processing.json").json["files"][0]
    assert state["state"] == "failed" and "Try again" in state["error"]
    assert processing_jobs()[0].status is JobStatus.INTERRUPTED


def test_a_dead_job_in_another_case_of_the_organization_frees_its_slot(app, org_client, draft, campaign,
                                                                       organization_user):
    app.config.update(JOB_BACKEND="manual", EVIDENCE_JOBS_PER_ORGANIZATION=1)
    upload(org_client, draft, ("晨练.jpg", jpeg_bytes()))
    [job] = processing_jobs()
    job.status, job.heartbeat_at = JobStatus.RUNNING, utcnow() - timedelta(hours=1)  # its worker was killed
    second = Case(campaign=campaign, organization=organization_user.organization)
    db.session.add(second)
    db.session.commit()
    upload(org_client, second, ("合影.jpg", jpeg_bytes(color=(10, 200, 30))))
    assert [item.processing for item in evidence_rows()] == ["failed", "processing"]
    assert "server process running it ended" in evidence_rows()[0].processing_error
