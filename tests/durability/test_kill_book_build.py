"""Issue 8: SIGKILL the process building a campaign's book in the middle of the render,
then check that the previous build is intact, nothing half-written is stored or served,
and that after the operator's recovery step (`flask jobs-recover`) the build runs again.

The killed build runs in its own process (tests/durability/build.py: the admin's build
request and its job, as the app's job runner runs it), with an empty chunk cache so it
really renders; the whole process group (the render workers too) is killed once the job
reports progress or has been rendering for RENDER_SECONDS.
"""
import io
import os
import time

from pypdf import PdfReader

from reviewapp.extensions import db
from reviewapp.jobs import JobAlreadyRunning
from reviewapp.jobs.models import Job, JobStatus
from reviewapp.publishing.models import BookBuild
from reviewapp.publishing.operations import request_build
from tests.durability.support import kill, process_env, read_line, recover, spawn
from tests.factories import make_user, sign_in_as
from tests.publishing.data import _case, make_publishing_campaign

RENDER_SECONDS = 1.0   # how long the killed build renders at most before the kill
START_TIMEOUT = 90     # seconds for the build process to start its job on a loaded machine


def fresh(model, key):
    db.session.rollback()  # see what the other process committed, and hold no read lock
    row = db.session.get(model, key, populate_existing=True)
    db.session.rollback()
    return row


def build_and_check_pdf(client, build):
    assert build.storage_name and build.job.status is JobStatus.DONE
    response = client.get(f"/publishing/builds/{build.id}/book.pdf")
    assert response.status_code == 200
    assert len(response.data) == build.bytes
    assert len(PdfReader(io.BytesIO(response.data)).pages) == build.pages > 0
    return response.data


def stored_builds(folder):
    builds = folder / "builds"
    return sorted(os.listdir(builds)) if builds.exists() else []


def test_killing_a_book_build_mid_render_keeps_the_previous_build_and_can_be_rerun(app, tmp_path):
    data = make_publishing_campaign()
    medicine, elderly = data.campaign.themes
    for number in range(4):  # six selected cases: a render that takes a while
        _case(data.campaign, data.beijing, "selected", f"社区健身案例{number}", [medicine, elderly], photos=2)
    admin = make_user("admin")
    client = sign_in_as(app.test_client(), admin)
    folder = app.config["UPLOAD_FOLDER"]

    # A committed build first (the job runs inline in this process).
    first = request_build(admin, data.campaign)
    db.session.commit()
    first = fresh(BookBuild, first.id)
    first_pdf = build_and_check_pdf(client, first)
    assert stored_builds(folder) == [first.storage_name.split("/")[1]]

    env = process_env(app, tmp_path / "build-instance")  # its own, empty chunk cache
    log = tmp_path / "build.log"
    process = spawn("build.py", [data.campaign.id, admin.id], env, log)
    try:
        build_id, job_id = map(int, read_line(process, START_TIMEOUT).split())
        deadline = time.monotonic() + START_TIMEOUT
        rendering_since = None
        while True:
            job = fresh(Job, job_id)
            if job is not None and job.status is JobStatus.RUNNING:
                rendering_since = rendering_since or time.monotonic()
                if job.progress_done > 0 or time.monotonic() - rendering_since >= RENDER_SECONDS:
                    break
            assert job is None or not job.finished, f"the build ended before the kill: {job.status}"
            assert process.poll() is None, "the build process exited by itself"
            assert time.monotonic() < deadline, "the build never started rendering"
            time.sleep(0.05)
        kill(process)
    finally:
        kill(process)

    # The kill landed mid-render: the job is still "running", its build has no file.
    job, killed = fresh(Job, job_id), fresh(BookBuild, build_id)
    print(f"killed after {time.monotonic() - rendering_since:.2f} s of rendering, "
          f"progress {job.progress_done}/{job.progress_total}")
    # (progress < 6: inside the case chunk; 6/6: rendering the front matter or merging)
    assert job.status is JobStatus.RUNNING and job.progress_total == 6 and not job.finished_at
    assert killed.job_id == job_id and killed.storage_name is None and killed.number == 2
    # The previous build is intact and still listed; the killed one serves nothing.
    page = client.get(f"/publishing/campaigns/{data.campaign.id}").get_data(as_text=True)
    assert f"/publishing/builds/{first.id}/book.pdf" in page
    assert f"/publishing/builds/{killed.id}/book.pdf" not in page
    assert build_and_check_pdf(client, fresh(BookBuild, first.id)) == first_pdf
    assert client.get(f"/publishing/builds/{killed.id}/book.pdf").status_code == 404
    # Only the committed build's file is named by a row (a file the killed job may have
    # stored just before its commit would be unreferenced, hence never served).
    db.session.rollback()
    assert db.session.scalars(db.select(BookBuild.storage_name).filter(
        BookBuild.storage_name.isnot(None))).all() == [first.storage_name]
    db.session.rollback()

    # The dead job still holds the campaign's build lock...
    try:
        request_build(admin, data.campaign)
    except JobAlreadyRunning as refusal:
        assert refusal.job.id == job_id
    else:
        raise AssertionError("a second build started while the killed one still held the lock")
    db.session.rollback()
    # ...until the operator's recovery step after the crash marks it failed.
    output = recover(env, tmp_path / "recover.log")
    assert "1 interrupted jobs marked failed" in output
    job = fresh(Job, job_id)
    assert job.status is JobStatus.FAILED and job.error and job.finished_at
    assert fresh(BookBuild, build_id).storage_name is None
    assert stored_builds(folder) == [first.storage_name.split("/")[1]]  # no partial, no temporary

    # The build runs again and produces a valid book; every build row with a file points at a whole PDF.
    again = request_build(admin, data.campaign)
    db.session.commit()
    again = fresh(BookBuild, again.id)
    assert again.number == 3
    build_and_check_pdf(client, again)
    for build in db.session.scalars(db.select(BookBuild).filter(BookBuild.storage_name.isnot(None))):
        path = folder / build.storage_name
        assert path.stat().st_size == build.bytes and len(PdfReader(path).pages) == build.pages
    db.session.rollback()


def test_a_build_whose_process_dies_before_the_job_starts_can_be_rerun(app, tmp_path):
    """The crash lands between the build request's commit and the job's start (thread
    backend): the job stays "queued", holding the campaign's lock, until recovery fails it."""
    data = make_publishing_campaign()
    admin = make_user("admin")
    client = sign_in_as(app.test_client(), admin)
    env = process_env(app, tmp_path / "build-instance")
    log = tmp_path / "build.log"
    process = spawn("build.py", [data.campaign.id, admin.id, "--die-before-start"], env, log)
    try:
        build_id, job_id = map(int, read_line(process, START_TIMEOUT).split())
        assert process.wait(START_TIMEOUT) == -9  # it SIGKILLed itself after the commit
    finally:
        kill(process)
    job = fresh(Job, job_id)
    assert job.status is JobStatus.QUEUED and fresh(BookBuild, build_id).storage_name is None
    assert client.get(f"/publishing/builds/{build_id}/book.pdf").status_code == 404
    try:
        request_build(admin, data.campaign)
    except JobAlreadyRunning as refusal:
        assert refusal.job.id == job_id
    else:
        raise AssertionError("a second build started while the dead one still held the lock")
    db.session.rollback()

    output = recover(env, tmp_path / "recover.log")
    assert "1 interrupted jobs marked failed" in output
    assert fresh(Job, job_id).status is JobStatus.FAILED

    again = request_build(admin, data.campaign)
    db.session.commit()
    build_and_check_pdf(client, fresh(BookBuild, again.id))
