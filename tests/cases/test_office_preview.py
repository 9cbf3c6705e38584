"""Office evidence read in the browser: a PDF rendered by LibreOffice in a background job."""
import io
import shutil
from pathlib import Path

from pypdf import PdfReader

from reviewapp.cases import previews
from reviewapp.cases.models import Evidence
from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus
from tests.cases.conftest import SAMPLES
from tests.cases.test_evidence_routes import upload


def test_an_office_file_gets_a_pdf_preview_from_its_blind_copy(app, org_client, draft):
    assert shutil.which(app.config["SOFFICE_BINARY"]), "LibreOffice (soffice) must be installed: make setup"
    upload(org_client, draft, ("sheet.xlsx", (SAMPLES / "sheet_app_properties.xlsx").read_bytes()))
    job = db.session.scalar(db.select(Job).filter_by(function=previews.FUNCTION))
    assert job.status is JobStatus.DONE, job.error
    item = db.session.scalar(db.select(Evidence))
    assert item.preview_storage_name
    view = org_client.get(f"/cases/{draft.id}/evidence/{item.id}/view")
    assert view.mimetype == "application/pdf" and view.headers["X-Content-Type-Options"] == "nosniff"
    reader = PdfReader(io.BytesIO(view.data))
    assert "Office Button" in "".join(page.extract_text() for page in reader.pages)
    assert "Doofenshmirtz" not in str(reader.metadata or {})


def test_the_job_fails_cleanly_when_libreoffice_is_missing(app, org_client, draft):
    app.config["SOFFICE_BINARY"] = "/nonexistent/soffice"
    response = upload(org_client, draft, ("sheet.xlsx", (SAMPLES / "sheet_app_properties.xlsx").read_bytes()))
    assert response.status_code == 302
    job = db.session.scalar(db.select(Job).filter_by(function=previews.FUNCTION))
    assert job.status is JobStatus.FAILED and "LibreOffice is not installed" in job.error
    item = db.session.scalar(db.select(Evidence))
    assert item.preview_storage_name is None
    page = org_client.get(f"/cases/{draft.id}/evidence").get_data(as_text=True)
    assert "Make a PDF to read in the browser" in page


def network_only_unshare(folder):
    """An `unshare` that grants a network namespace but no mount namespace: a stand-in LibreOffice
    outside /usr must stay reachable (the private root holds only the system's programs)."""
    wrapper = folder / "unshare"
    wrapper.write_text('#!/bin/sh\ncase "$1" in -rnmpf) exit 1;; esac\nexec %s "$@"\n' % shutil.which("unshare"))
    wrapper.chmod(0o755)
    return str(wrapper)


def test_the_conversion_works_in_the_jobs_own_folder_and_leaves_nothing(app, org_client, draft, tmp_path):
    # A stand-in for LibreOffice that notes where it was run and writes a minimal PDF.
    app.config["OFFICE_SANDBOX_UNSHARE"] = network_only_unshare(tmp_path)
    where = tmp_path / "ran-in.txt"
    fake = tmp_path / "soffice"
    import pikepdf
    minimal = tmp_path / "minimal.pdf"
    with pikepdf.new() as pdf:  # a real PDF: the rendering is cleaned like an upload afterwards
        pdf.add_blank_page()
        pdf.save(minimal)
    fake.write_text("#!/bin/sh\npwd > %s\nfor last; do :; done\nmkdir -p out\n"
                    "cp %s out/document.pdf\n" % (where, minimal))
    fake.chmod(0o755)
    app.config["SOFFICE_BINARY"] = str(fake)
    upload(org_client, draft, ("sheet.xlsx", (SAMPLES / "sheet_app_properties.xlsx").read_bytes()))
    job = db.session.scalar(db.select(Job).filter_by(function=previews.FUNCTION))
    assert job.status is JobStatus.DONE, job.error
    ran_in = Path(where.read_text().strip())
    job_folder = Path(app.config["INSTANCE_DIR"]) / "job-work" / f"job-{job.id}"
    assert ran_in.parent == job_folder  # a job killed mid-way: its folder goes when it is found dead
    assert not job_folder.exists()  # ended: removed
