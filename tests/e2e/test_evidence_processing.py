"""The evidence page follows each file's processing in the job queue: a photo just uploaded shows
as processing, and the page shows its thumbnail by itself once a worker has made it."""
import pytest
from playwright.sync_api import expect

from reviewapp.cases import processing
from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus
from reviewapp.jobs.runner import run_job
from tests.e2e.browser import Shots
from tests.e2e.data import PASSWORD, photo_jpeg, seed_draft
from tests.e2e.ui import labelled, main, sign_in, switch_language, upload_with_progress

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_photo_shows_as_processing_until_its_job_is_done(page, live_app, lang):
    world, case = seed_draft()
    t, shot = live_app.t(lang), Shots(lang, prefix="processing-")
    live_app.app.config["JOB_BACKEND"] = "manual"  # the job waits for the "worker" below
    try:
        page.goto("/")
        switch_language(page, lang)
        sign_in(page, t, world.org_user.email, PASSWORD)
        page.goto(f"/cases/{case.id}/evidence")
        labelled(main(page), t("Files")).set_input_files(
            {"name": "morning-practice.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()})
        upload_with_progress(page, main(page).get_by_role("button", name=t("Upload"), exact=True))
        item = main(page).locator(".evidence-item", has_text="morning-practice.jpg")
        expect(item.locator("[data-file-state]")).to_contain_text(t("Processing"))
        expect(item.get_by_role("img")).to_have_count(0)
        shot(page, "processing")

        db.session.expire_all()
        [job] = db.session.scalars(db.select(Job).filter_by(function=processing.FUNCTION,
                                                            status=JobStatus.QUEUED)).all()
        run_job(job.id)  # what a worker does; the page notices by itself and reloads
        expect(item.get_by_role("img")).to_be_visible(timeout=15_000)
        expect(item.locator("[data-file-state]")).to_have_count(0)
        expect(item.get_by_role("link", name=t("Read in the browser"))).to_be_visible()
        shot(page, "ready")
    finally:
        live_app.app.config["JOB_BACKEND"] = "inline"
