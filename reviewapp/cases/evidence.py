"""Evidence files of a case: verified, stored under generated names; blind copy and thumbnail follow in a job.

Files live in the configured storage (reviewapp/storage: UPLOAD_FOLDER or an
S3 bucket, never the web root) and are reached only through the
permission-checked routes. Nothing is written for a refused file.
"""
import hashlib
import os
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InvalidRequestError

from ..audit import record
from ..extensions import db
from ..locking import lock_for_write
from ..storage import storage
from ..storage.tombstones import delete_later
from .blind import convert_phone_photo, make_blind_copy
from .checks import file_identity_flags, identity_of, redactor_of
from .models import Evidence
from .uploads import (
    UploadLimits,
    UploadRefused,
    format_megabytes,
    new_storage_name,
    verify_upload,
)

LINK = "link"
MAX_CAPTION = 300


def stored_path(name):
    """A local path to read a stored file from (FileNotFoundError if there is none)."""
    return storage().local_path(name)


def file_limits():
    return UploadLimits(max_bytes=current_app.config["EVIDENCE_MAX_FILE_MB"] * 1024 * 1024)


def case_limit_bytes():
    return current_app.config["EVIDENCE_MAX_CASE_MB"] * 1024 * 1024


def used_bytes(case):
    return sum(item.size or 0 for item in case.evidence)


class _Written:
    """Files written during one operation, removed again if it fails."""

    def __init__(self):
        self.names = []

    def write(self, name, data):
        storage().write(name, data)
        self.names.append(name)
        return name

    def undo(self):
        # No committed row ever named these files, so no backup can need them: removed at once.
        for name in self.names:
            storage().delete(name)


def remove_files(names):
    """Remove stored files that rows named: deferred, in the caller's transaction (see
    reviewapp/storage/tombstones.py). Deleting an Evidence row already does this."""
    delete_later(names)


def add_file(actor, case, data, file_name, caption="", only_while_editable=False):
    """Verify and store one uploaded file; its blind copy, thumbnail and print-size photo are
    made in the job queue afterwards (processing.py), so the file starts out waiting.

    The request checks the type by content and a photo's dimensions from its header (a pixel
    bomb costs no decoding). The room left in the case is checked at once (a file that cannot
    fit costs no work) and again under the case's write lock just before the row is added, so
    that files sent at the same moment never pass the limit together; so is
    `only_while_editable` (the applicant's uploads: not once the case is submitted). Raises
    UploadRefused with the reason; on refusal nothing stays on disk.
    """
    from .processing import WAITING, dispatch

    data, file_name = convert_phone_photo(data, file_name)  # HEIC/AVIF are kept as JPEG
    verified = verify_upload(data, file_name, file_limits(), decode=False)
    _require_room(case, verified)
    evidence = Evidence(
        kind=verified.kind, caption=(caption or "").strip()[:MAX_CAPTION],
        original_name=verified.display_name, mime=verified.mime, size=verified.size,
        sha256=hashlib.sha256(data).hexdigest(), width=verified.width, height=verified.height,
        processing=WAITING)
    # The name and caption now; the content once the blind copy exists (processing.py).
    evidence.identity_flags = file_identity_flags(evidence, identity_of(case), None,
                                                  case.organization.contact_person)
    written = _Written()
    try:
        evidence.storage_name = written.write(new_storage_name(verified), data)
        # From here to the commit, one upload to this organization's cases at a time (the
        # organization first: parents before children; it also guards its processing limit).
        try:
            lock_for_write(case.organization, case)
        except InvalidRequestError as gone:  # another tab deleted the draft meanwhile
            raise UploadRefused(_l("This draft has been deleted, so %(name)s was not stored.",
                                   name=verified.display_name), "case_deleted") from gone
        if only_while_editable:
            _require_editable(case)
        _require_room(case, verified)
        evidence.position = len(case.evidence)
        evidence.case = case  # the row joins the session only now, once its file exists
        db.session.add(evidence)
        db.session.flush()
        record(actor, "evidence.uploaded", evidence,
               changes={"case": case.id, "kind": verified.kind, "size": verified.size})
        dispatch(actor, case.organization)
    except BaseException:
        written.undo()
        raise
    return evidence


def _require_room(case, verified):
    limit, used = case_limit_bytes(), used_bytes(case)
    if used + verified.size > limit:
        raise UploadRefused(_l(
            "%(name)s does not fit: the files of one case may total at most %(limit)s MB, and %(used)s MB "
            "are already used.", name=verified.display_name, limit=format_megabytes(limit),
            used=format_megabytes(used)), "case_too_large")


def _require_editable(case):
    from .operations import is_editable  # operations imports this module

    if not is_editable(case):
        raise UploadRefused(_l("This case has been submitted and can no longer be changed."), "submitted")


def check_link(url):
    """An http(s) link as typed, or UploadRefused; the server never fetches it."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise UploadRefused(_l("Enter a web address starting with http:// or https://."), "link_scheme")
    if len(url) > 500:
        raise UploadRefused(_l("The web address is too long (at most 500 characters)."), "link_long")
    return url


def add_link(actor, case, url, caption=""):
    evidence = Evidence(case=case, kind=LINK, url=check_link(url), caption=(caption or "").strip()[:MAX_CAPTION],
                        position=len(case.evidence))
    db.session.add(evidence)
    # At once, with the expert view's own rule: a link it withholds is flagged here too.
    evidence.identity_flags = file_identity_flags(evidence, identity_of(case), None, case.organization.contact_person,
                                                  redact=redactor_of(case))
    db.session.flush()
    record(actor, "evidence.link_added", evidence, changes={"case": case.id})
    return evidence


def set_caption(actor, evidence, caption):
    before = evidence.caption
    evidence.caption = (caption or "").strip()[:MAX_CAPTION]
    kept = [flag for flag in evidence.identity_flags or [] if flag["source"] != "caption"]
    evidence.identity_flags = kept + file_identity_flags_of_caption(evidence)
    db.session.flush()
    record(actor, "evidence.captioned", evidence, changes={"caption": [before, evidence.caption]})


def file_identity_flags_of_caption(evidence):
    case = evidence.case
    flags = file_identity_flags(evidence, identity_of(case), None, case.organization.contact_person)
    return [flag for flag in flags if flag["source"] == "caption"]


def delete_evidence(actor, evidence):
    """Delete the row; its files are removed after the grace period (a tombstone each, written
    by the flush). Returns the stored names."""
    names = [evidence.storage_name, evidence.blind_storage_name, evidence.thumbnail_name,
             evidence.preview_storage_name, evidence.print_storage_name]
    case = evidence.case
    record(actor, "evidence.deleted", evidence, changes={"case": case.id, "name": evidence.original_name})
    case.evidence.remove(evidence)
    db.session.flush()
    return names


def read_stored(name):
    return storage().read(name)


def ensure_blind_copy(evidence):
    """Build the blind copy of a file that has none yet (e.g. stored before blinding existed)."""
    if evidence.kind == LINK or evidence.blind_storage_name:
        return
    data = read_stored(evidence.storage_name)
    blind = make_blind_copy(data, evidence.kind, evidence.original_name)
    extension = evidence.storage_name.rsplit(".", 1)[-1]
    name = f"{os.urandom(16).hex()}.{extension}"
    storage().write(name, blind)
    evidence.blind_storage_name = name
