"""Issue 8: SIGKILL the process building a campaign's book in the middle of the render.
The previous build stays intact, nothing half-written is stored or served, and WITHOUT the
operator's recovery step the admin's page shows the build as interrupted within about a
minute (here: a heartbeat timeout of HEARTBEAT_TIMEOUT s), its temporary folder is gone, and
the admin's rebuild is accepted and completes.

The killed build runs in its own process with an empty chunk cache, so it really renders:
tests/durability/build.py (the admin's request and its job, as the thread backend runs it),
or the work horse of a real `flask worker` (tests/durability/worker.py, RQ backend). The whole
process group (the render workers too) is killed once the job reports progress or has been
rendering for RENDER_SECONDS.
"""
import io
import os
import signal
import time

from pypdf import PdfReader

from reviewapp.extensions import db
from reviewapp.jobs.models import Job, JobStatus
from reviewapp.publishing.models import BookBuild
from reviewapp.publishing.operations import request_build
from tests.durability.support import children, kill, process_env, read_line, spawn
from tests.factories import csrf_from, make_user, sign_in_as
from tests.publishing.data import _case, make_publishing_campaign

RENDER_SECONDS = 1.0   # how long the killed build renders at most before the kill
START_TIMEOUT = 90     # seconds for the build process to start its job on a loaded machine
HEARTBEAT_TIMEOUT = 3  # JOB_HEARTBEAT_TIMEOUT for these tests (the default is 60 s)
NOTICE_TIMEOUT = 60    # the admin must see the interruption within about a minute


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


def work_folder(instance_dir, job_id):
    return instance_dir / "job-work" / f"job-{job_id}"


def book_campaign(app):
    """A campaign of six selected cases (a render that takes a while) and its signed-in admin."""
    app.config["JOB_HEARTBEAT_TIMEOUT"] = HEARTBEAT_TIMEOUT
    data = make_publishing_campaign()
    medicine, elderly = data.campaign.themes
    for number in range(4):
        _case(data.campaign, data.beijing, "selected", f"社区健身案例{number}", [medicine, elderly], photos=2)
    admin = make_user("admin")
    return data.campaign, admin, sign_in_as(app.test_client(), admin)


def wait_until_rendering(job_id, process, instance_dir):
    """Wait until the job renders (progress, or RENDER_SECONDS in it) with its temporary
    files in its work folder; returns when it started rendering."""
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
    scratch = list(work_folder(instance_dir, job_id).glob("book-*"))
    assert scratch, "the build's temporary files are not in the job's work folder"
    return rendering_since


def campaign_page(client, campaign):
    return client.get(f"/publishing/campaigns/{campaign.id}").get_data(as_text=True)


def wait_for_rebuild_form(client, campaign, killed_at):
    """The admin's page, read as the admin would, until it offers a new build again."""
    while True:
        page = campaign_page(client, campaign)
        if f'action="/publishing/campaigns/{campaign.id}/builds"' in page:
            print(f"interrupted shown {time.monotonic() - killed_at:.1f} s after the kill")
            return page
        assert time.monotonic() - killed_at < NOTICE_TIMEOUT, "the dead build still blocks a rebuild"
        time.sleep(0.5)


def check_shown_interrupted(page, job_id, instance_dir):
    assert 'class="job-progress job-interrupted"' in page and "Interrupted" in page
    assert "the server process running it ended. Start it again." in page
    job = fresh(Job, job_id)
    assert job.status is JobStatus.INTERRUPTED and job.finished_at
    assert not work_folder(instance_dir, job_id).exists(), "the killed build's temporary folder is left"


def rebuild_through_the_form(client, campaign, page):
    response = client.post(f"/publishing/campaigns/{campaign.id}/builds",
                           data={"csrf_token": csrf_from(page), "language": "zh", "group_by": "theme"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    again = db.session.scalars(db.select(BookBuild).filter(BookBuild.campaign_id == campaign.id)
                               .order_by(BookBuild.number.desc())).first()
    db.session.rollback()
    return again


def test_killing_a_book_build_mid_render_keeps_the_previous_build_and_it_is_released_by_itself(app, tmp_path):
    campaign, admin, client = book_campaign(app)
    folder = app.config["UPLOAD_FOLDER"]

    # A committed build first (the job runs inline in this process).
    first = request_build(admin, campaign)
    db.session.commit()
    first = fresh(BookBuild, first.id)
    first_pdf = build_and_check_pdf(client, first)
    assert stored_builds(folder) == [first.storage_name.split("/")[1]]

    instance = tmp_path / "build-instance"  # its own, empty chunk cache
    process = spawn("build.py", [campaign.id, admin.id], process_env(app, instance), tmp_path / "build.log")
    try:
        build_id, job_id = map(int, read_line(process, START_TIMEOUT).split())
        rendering_since = wait_until_rendering(job_id, process, instance)
        kill(process)
    finally:
        kill(process)
    killed_at = time.monotonic()

    # The kill landed mid-render: the job is still "running", its build has no file.
    job, killed = fresh(Job, job_id), fresh(BookBuild, build_id)
    print(f"killed after {killed_at - rendering_since:.2f} s of rendering, "
          f"progress {job.progress_done}/{job.progress_total}")
    # (progress < 6: inside the case chunk; 6/6: rendering the front matter or merging)
    assert job.status is JobStatus.RUNNING and job.progress_total == 6 and not job.finished_at
    assert killed.job_id == job_id and killed.storage_name is None and killed.number == 2
    # The previous build is intact and still listed; the killed one serves nothing.
    page = campaign_page(client, campaign)
    assert f"/publishing/builds/{first.id}/book.pdf" in page
    assert f"/publishing/builds/{killed.id}/book.pdf" not in page
    assert build_and_check_pdf(client, fresh(BookBuild, first.id)) == first_pdf
    assert client.get(f"/publishing/builds/{killed.id}/book.pdf").status_code == 404

    # Nobody runs `flask jobs-recover`: the admin's page notices the silent heartbeat by itself.
    app.config["INSTANCE_DIR"] = instance  # the build process's folders (one machine)
    page = wait_for_rebuild_form(client, campaign, killed_at)
    check_shown_interrupted(page, job_id, instance)
    assert fresh(BookBuild, build_id).storage_name is None
    assert stored_builds(folder) == [first.storage_name.split("/")[1]]  # no partial, no temporary
    db.session.rollback()
    assert db.session.scalars(db.select(BookBuild.storage_name).filter(
        BookBuild.storage_name.isnot(None))).all() == [first.storage_name]
    db.session.rollback()

    # The admin's rebuild is accepted and produces a valid book; every stored build is whole.
    again = rebuild_through_the_form(client, campaign, page)
    assert again.number == 3
    build_and_check_pdf(client, again)
    assert not (instance / "job-work").exists() or not any((instance / "job-work").iterdir())
    for build in db.session.scalars(db.select(BookBuild).filter(BookBuild.storage_name.isnot(None))):
        path = folder / build.storage_name
        assert path.stat().st_size == build.bytes and len(PdfReader(path).pages) == build.pages
    db.session.rollback()


def test_a_build_whose_process_dies_before_the_job_starts_is_released_by_itself(app, tmp_path):
    """The crash lands between the build request's commit and the job's start (thread
    backend): the job stays "queued", holding the campaign's lock, until it is older than
    the heartbeat timeout; then the admin's page shows it interrupted and builds again."""
    campaign, admin, client = book_campaign(app)
    env = process_env(app, tmp_path / "build-instance")
    process = spawn("build.py", [campaign.id, admin.id, "--die-before-start"], env, tmp_path / "build.log")
    try:
        build_id, job_id = map(int, read_line(process, START_TIMEOUT).split())
        assert process.wait(START_TIMEOUT) == -9  # it SIGKILLed itself after the commit
    finally:
        kill(process)
    killed_at = time.monotonic()
    assert fresh(Job, job_id).status is JobStatus.QUEUED and fresh(BookBuild, build_id).storage_name is None
    assert client.get(f"/publishing/builds/{build_id}/book.pdf").status_code == 404

    page = wait_for_rebuild_form(client, campaign, killed_at)
    check_shown_interrupted(page, job_id, tmp_path / "build-instance")
    again = rebuild_through_the_form(client, campaign, page)
    build_and_check_pdf(client, fresh(BookBuild, again.id))


def test_a_build_whose_rq_work_horse_is_killed_is_released_by_the_worker(app, tmp_path):
    """RQ backend: a real `flask worker` forks a work horse per job; SIGKILL the horse (and its
    render workers) mid-render. The worker survives, and its own loop marks the job interrupted
    and removes its temporary folder, with nobody reading the job; then it runs the rebuild."""
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    connection.ping()  # the real server must answer: CI starts it
    queue_name = f"reviewapp-durability-{os.getpid()}"
    Queue(queue_name, connection=connection).empty()
    campaign, admin, client = book_campaign(app)
    instance = tmp_path / "worker-instance"
    env = dict(process_env(app, instance), DUR_JOB_QUEUE=queue_name)
    worker = spawn("worker.py", [], env, tmp_path / "worker.log")
    try:
        assert read_line(worker, START_TIMEOUT) == "ready"
        app.config.update(JOB_BACKEND="rq", JOB_QUEUE=queue_name)
        build = request_build(admin, campaign)
        db.session.commit()
        job_id, build_id = build.job_id, build.id
        wait_until_rendering(job_id, worker, instance)
        (horse,) = children(worker.pid)
        os.killpg(horse, signal.SIGKILL)  # the horse leads its own process group
        killed_at = time.monotonic()

        while (job := fresh(Job, job_id)).status is JobStatus.RUNNING:  # no reaping in this process
            assert worker.poll() is None, "the worker died with its work horse"
            assert time.monotonic() - killed_at < NOTICE_TIMEOUT, "the worker never released the dead job"
            time.sleep(0.2)
        print(f"the worker released the job {time.monotonic() - killed_at:.1f} s after the kill")
        assert job.status is JobStatus.INTERRUPTED and fresh(BookBuild, build_id).storage_name is None
        page = campaign_page(client, campaign)
        check_shown_interrupted(page, job_id, instance)

        again = rebuild_through_the_form(client, campaign, page)
        deadline = time.monotonic() + START_TIMEOUT * 2
        while not (job := fresh(Job, again.job_id)).finished:
            assert time.monotonic() < deadline and worker.poll() is None, "the rebuild did not run"
            time.sleep(0.2)
        build_and_check_pdf(client, fresh(BookBuild, again.id))
        assert not any((instance / "job-work").iterdir())
    finally:
        for pid in children(worker.pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        kill(worker)
        Queue(queue_name, connection=connection).empty()

