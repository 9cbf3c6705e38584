"""Office evidence rendered to PDF by LibreOffice headless, in a background job.

The blind copy is rendered (so the PDF carries no author properties either), with
a fresh LibreOffice profile per run, a timeout, and no network where the system
lets us drop it (a private network namespace). The PDF is then cleaned again like
an uploaded one: experts get Office files only as this PDF.
"""
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..jobs import JobAlreadyRunning, enqueue
from ..jobs.liveness import work_folder
from ..jobs.runner import JobFailed
from .models import Evidence
from ..storage import storage

FUNCTION = "reviewapp.cases.previews:render_office_preview"


def preview_key(evidence):
    return f"preview:evidence-{evidence.id}"


def queue_preview(actor, evidence):
    """Queue the PDF rendering of an Office file; returns the job (None if one is under way)."""
    try:
        return enqueue(FUNCTION, {"evidence_id": evidence.id}, actor, key=preview_key(evidence), total=1)
    except JobAlreadyRunning:
        return None


@functools.cache
def _no_network_prefix():
    """`unshare -rn` when this system allows unprivileged network namespaces, else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        subprocess.run([unshare, "-rn", "true"], check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (unshare, "-rn")


def convert_to_pdf(data, extension, binary, timeout, parent=None):
    """PDF bytes of an Office document, or JobFailed with a message a person can read.
    The temporary files live under `parent` (the job's work folder: a job killed mid-way
    leaves nothing behind once it is found dead), else in the system's temporary folder."""
    program = shutil.which(binary)
    if program is None:
        raise JobFailed(str(_l("The document cannot be shown as PDF: LibreOffice is not installed "
                               "on the server. Download the file to read it.")))
    with tempfile.TemporaryDirectory(prefix="preview-", dir=parent) as work:
        work = Path(work)
        source = work / f"document.{extension}"
        source.write_bytes(data)
        command = [*_no_network_prefix(), program, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
                   "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work),
                       "LANG": "C.UTF-8", "no_proxy": "*"}
        try:
            subprocess.run(command, cwd=work, env=environment, capture_output=True, timeout=timeout,
                           check=False)
        except subprocess.TimeoutExpired as error:
            raise JobFailed(str(_l("LibreOffice took longer than %(n)d seconds; the document is shown "
                                   "for download only.", n=timeout))) from error
        result = work / "out" / "document.pdf"
        if not result.exists() or not result.read_bytes().startswith(b"%PDF-"):
            raise JobFailed(str(_l("LibreOffice could not render this document as PDF. Download the "
                                   "file to read it.")))
        return result.read_bytes()


def render_office_preview(job, progress):
    """Job: render one Office evidence file (its blind copy) to a PDF preview."""
    from .blind_pdf import blind_pdf
    from .evidence import read_stored
    from .ooxml import ContentProblem

    evidence = db.session.get(Evidence, job.params["evidence_id"])
    if evidence is None or evidence.kind != "office":
        raise JobFailed(str(_l("The file no longer exists.")))
    source = evidence.blind_storage_name  # never the original: experts read this PDF
    if not source:
        raise JobFailed(str(_l("The file has no anonymous copy yet; upload it again.")))
    extension = source.rsplit(".", 1)[-1]
    pdf = convert_to_pdf(read_stored(source), extension, current_app.config["SOFFICE_BINARY"],
                         current_app.config["OFFICE_PREVIEW_TIMEOUT"], parent=work_folder(job.id))
    try:  # the rendering carries what the package still had (alt text, titles): cleaned like any PDF
        pdf = blind_pdf(pdf)
    except ContentProblem as problem:
        raise JobFailed(str(_l("The PDF rendering of this document could not be cleaned for the experts. "
                               "Save the document again and upload the new copy."))) from problem
    name = f"{os.urandom(16).hex()}.pdf"
    storage().write(name, pdf)
    evidence.preview_storage_name = name
    progress(1, 1)  # commits the new name, and a tombstone for the old one (storage/tombstones.py)
    return {"evidence_id": evidence.id, "bytes": len(pdf)}
