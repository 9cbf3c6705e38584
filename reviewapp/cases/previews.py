"""Office evidence rendered to PDF by LibreOffice headless, in a background job.

The blind copy is rendered (so the PDF carries no author properties either), with
its links to anything outside the package removed (office_links.py), in a sandbox
without network or the server's files (office_sandbox.py; refused where the system
allows none), with a fresh profile and HOME per run and a timeout. Conversions
wait in a machine-wide queue (conversion_queue.py) and each organization may
start OFFICE_PREVIEW_RATE of them. The PDF is then cleaned again like an uploaded
one: experts get Office files only as this PDF.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse

from ..extensions import db, limiter
from ..jobs import JobAlreadyRunning, enqueue
from ..jobs.liveness import work_folder
from ..jobs.runner import JobFailed
from .blueprint import bp
from .conversion_queue import QueueTimeout, conversion_slot
from .models import Evidence
from .office_links import strip_external_links
from .office_sandbox import REFUSED_MESSAGE, isolation
from ..storage import storage

FUNCTION = "reviewapp.cases.previews:render_office_preview"


def preview_key(evidence):
    return f"preview:evidence-{evidence.id}"


def _rate_key(evidence):
    return "office-preview", f"organization-{evidence.case.organization_id}"


def rate_exceeded(evidence):
    """True when the case's organization has started its OFFICE_PREVIEW_RATE of conversions."""
    rate = parse(current_app.config["OFFICE_PREVIEW_RATE"])
    return not limiter.limiter.test(rate, *_rate_key(evidence))


def queue_preview(actor, evidence):
    """Queue the PDF rendering of an Office file; returns the job, or None when one is under way,
    previews are refused on this server or the organization is over its rate (office_preview_note says why)."""
    if not isolation(current_app.config).allowed or rate_exceeded(evidence):
        return None
    try:
        job = enqueue(FUNCTION, {"evidence_id": evidence.id}, actor, key=preview_key(evidence), total=1)
    except JobAlreadyRunning:
        return None
    limiter.limiter.hit(parse(current_app.config["OFFICE_PREVIEW_RATE"]), *_rate_key(evidence))
    return job


@bp.app_template_global()
def office_preview_note(evidence):
    """Why an Office file has no PDF preview and none is being made (None: it can be made)."""
    if not isolation(current_app.config).allowed:
        return REFUSED_MESSAGE
    if rate_exceeded(evidence):
        rate = parse(current_app.config["OFFICE_PREVIEW_RATE"])
        periods = {"minute": _l("each minute"), "hour": _l("each hour"), "day": _l("each day")}
        period = periods.get(rate.GRANULARITY.name) if rate.multiples == 1 else None
        if period is None:  # "30 per 2 hours": said as configured
            period = f"every {rate.multiples} {rate.GRANULARITY.name}s"
        return _l("The PDF to read in the browser is pending: an organization may have %(count)d documents "
                  "converted %(period)s, and this one has reached that. Make it again later.",
                  count=rate.amount, period=period)
    return None


def _queue_folder():
    return Path(current_app.config["INSTANCE_DIR"]) / "office-conversions"


def convert_to_pdf(data, extension, binary, timeout, parent=None):
    """PDF bytes of an Office document, or JobFailed with a message a person can read.
    The temporary files live under `parent` (the job's work folder: a job killed mid-way
    leaves nothing behind once it is found dead), else in the system's temporary folder.
    Waits for a slot of the machine's conversion queue; refused without isolation."""
    program = shutil.which(binary)
    if program is None:
        raise JobFailed(str(_l("The document cannot be shown as PDF: LibreOffice is not installed "
                               "on the server. Download the file to read it.")))
    config = current_app.config
    sandbox = isolation(config)
    if not sandbox.allowed:
        raise JobFailed(str(REFUSED_MESSAGE))
    if extension in ("docx", "xlsx", "pptx"):
        data = strip_external_links(data)
    with tempfile.TemporaryDirectory(prefix="preview-", dir=parent) as work:
        work = Path(work)
        source = work / f"document.{extension}"
        source.write_bytes(data)
        unshare = shutil.which(config["OFFICE_SANDBOX_UNSHARE"])
        command = [*sandbox.prefix(unshare, work), program,
                   f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
                   "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        environment = {"PATH": "/usr/bin:/bin", "HOME": str(work), "TMPDIR": str(work),
                       "LANG": "C.UTF-8", "no_proxy": "*"}
        try:
            with conversion_slot(_queue_folder(), config["OFFICE_CONVERSIONS_PER_MACHINE"],
                                 config["OFFICE_CONVERSION_WAIT"]):
                subprocess.run(command, cwd=work, env=environment, capture_output=True, timeout=timeout,
                               check=False)
        except QueueTimeout as error:
            raise JobFailed(str(_l("The server is converting many documents; the PDF to read in the browser "
                                   "is still pending. Make it again in a few minutes."))) from error
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
    data = read_stored(source)
    db.session.commit()  # no transaction stays open while the conversion waits for its turn
    pdf = convert_to_pdf(data, extension, current_app.config["SOFFICE_BINARY"],
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
