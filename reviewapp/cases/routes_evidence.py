"""Evidence pages: upload (several files, with progress in JS), links, captions, and serving files.

Files are served only here, after the permission check, with
`X-Content-Type-Options: nosniff` and a Content-Security-Policy: downloads and
photos are sandboxed. PDFs shown inline are the cleaned blind copy (no
scripts, attachments or metadata) with a fixed application/pdf type and a
policy without `sandbox`, because Chromium's PDF viewer does not run inside a
sandboxed document; nosniff and the fixed type keep them from ever being read
as HTML.
"""
from flask import (
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow
from ..auth.models import Role
from ..extensions import db
from ..jobs.operations import active_job
from ..locking import lock_for_write
from ..security import DOWNLOAD_POLICY, IMAGE_POLICY, PDF_POLICY, send_stored_file
from . import evidence as store
from . import processing
from .blueprint import (
    READERS,
    bp,
    load_case,
    load_evidence,
    owns_case,
    owns_evidence,
    reads_case,
    reads_evidence,
)
from .checks import FIELD_LABELS, SOURCE_LABELS, blind_captions
from .forms import CaptionForm, LinkForm, UploadForm
from .operations import CaseError, is_editable, require_editable
from .previews import preview_key, queue_preview
from .uploads import UploadRefused, format_megabytes, read_upload


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _editable_now(case):
    """Still editable, decided under the case's lock: another tab may have just submitted it."""
    lock_for_write(case)
    return is_editable(case)


def _reconciled(case):
    """The case with its dead processing jobs found and waiting files started (committed)."""
    if processing.reconcile(case):
        db.session.commit()
    return case


def _page(case, status=200, refused=(), upload_form=None, link_form=None):
    _reconciled(case)
    jobs = {item.id: active_job(preview_key(item)) for item in case.evidence if item.kind == "office"}
    return render_template(
        "cases/evidence.html", case=case, editable=is_editable(case), refused=refused, jobs=jobs,
        upload_form=upload_form or UploadForm(formdata=None), link_form=link_form or LinkForm(formdata=None),
        caption_form=CaptionForm(formdata=None), used=store.used_bytes(case), limit=store.case_limit_bytes(),
        captions=blind_captions(case), source_labels=SOURCE_LABELS, field_labels=FIELD_LABELS,
        file_limit_mb=store.file_limits().max_bytes // (1024 * 1024), megabytes=format_megabytes), status


@bp.get("/<int:case_id>/evidence")
@allow(*READERS, check=reads_case)
def evidence(case_id):
    case = load_case(case_id)
    if current_user.role is Role.UNIT:  # the screening unit reads the submitted files
        from ..recommendation.screening import part_page
        return part_page(case, "evidence")
    return _page(case)


@bp.post("/<int:case_id>/evidence")
@allow(Role.ORGANIZATION, check=owns_case)
def upload(case_id):
    case = load_case(case_id)
    form = UploadForm()
    accepted, refused = [], []
    if not form.validate_on_submit():
        refused.append({"name": "", "message": str(_l("The form had expired; please send it again."))})
    elif not is_editable(case):
        refused.append({"name": "", "message": str(_l("This case has been submitted and can no longer be changed."))})
    else:
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            refused.append({"name": "", "message": str(_l("Choose at least one file."))})
        limit = store.file_limits().max_bytes
        for upload_file in files:  # each file is saved on its own: the case's lock is held briefly
            try:
                data = read_upload(upload_file.stream, upload_file.filename, limit)
                item = store.add_file(current_user, case, data, upload_file.filename, form.caption.data,
                                      only_while_editable=True)
            except UploadRefused as refusal:
                db.session.rollback()
                refused.append({"name": upload_file.filename, "message": str(refusal.message)})
                if refusal.reason == "case_deleted":
                    return _draft_gone(accepted, refused)
            else:
                accepted.append({"id": item.id, "name": item.original_name})  # read before the commit:
                db.session.commit()  # another tab may delete the draft while its processing starts
    if _wants_json():
        return jsonify(accepted=accepted, refused=refused), (400 if refused and not accepted else 200)
    if refused:
        return _page(case, 400 if not accepted else 200, refused=refused, upload_form=form)
    flash(_l("%(n)d file(s) uploaded.", n=len(accepted)), "success")
    return redirect(url_for("cases.evidence", case_id=case.id))


def _draft_gone(accepted, refused):
    """The draft was deleted in another tab while its files were being checked."""
    if _wants_json():
        return jsonify(accepted=accepted, refused=refused), 409
    flash(refused[-1]["message"], "error")
    return redirect(url_for("dashboard.index"))


@bp.get("/<int:case_id>/evidence/processing.json")
@allow(*READERS, check=reads_case)
def processing_states(case_id):
    """Each file's processing state, for the evidence page to poll until all are ready."""
    case = _reconciled(load_case(case_id))
    return jsonify(files=processing.states(case))


@bp.post("/<int:case_id>/evidence/<int:evidence_id>/retry")
@allow(Role.ORGANIZATION, check=owns_evidence)
def retry(case_id, evidence_id):
    item = load_evidence(case_id, evidence_id)
    if FlaskForm().validate_on_submit():
        if processing.retry(current_user, item):
            db.session.commit()
            flash(_l("%(name)s is being processed again.", name=item.original_name), "success")
    return redirect(url_for("cases.evidence", case_id=case_id))


@bp.post("/<int:case_id>/evidence/link")
@allow(Role.ORGANIZATION, check=owns_case)
def add_link(case_id):
    case = load_case(case_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            lock_for_write(case)
            require_editable(case)
            store.add_link(current_user, case, form.url.data, form.caption.data)
        except (UploadRefused, CaseError) as refusal:
            form.url.errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_l("Link added."), "success")
            return redirect(url_for("cases.evidence", case_id=case.id))
    return _page(case, 400, link_form=form)


@bp.post("/<int:case_id>/evidence/<int:evidence_id>/caption")
@allow(Role.ORGANIZATION, check=owns_evidence)
def caption(case_id, evidence_id):
    item = load_evidence(case_id, evidence_id)
    form = CaptionForm()
    if form.validate_on_submit() and _editable_now(item.case):
        store.set_caption(current_user, item, form.caption.data)
        db.session.commit()
        flash(_l("Caption saved."), "success")
    elif form.errors:
        flash(" ".join(str(m) for m in form.caption.errors), "error")
    return redirect(url_for("cases.evidence", case_id=case_id))


@bp.post("/<int:case_id>/evidence/<int:evidence_id>/delete")
@allow(Role.ORGANIZATION, check=owns_evidence)
def delete(case_id, evidence_id):
    item = load_evidence(case_id, evidence_id)
    if FlaskForm().validate_on_submit() and _editable_now(item.case):
        store.delete_evidence(current_user, item)
        db.session.commit()
        flash(_l("File removed."), "success")
    return redirect(url_for("cases.evidence", case_id=case_id))


@bp.post("/<int:case_id>/evidence/<int:evidence_id>/preview")
@allow(*READERS, check=reads_evidence)
def make_preview(case_id, evidence_id):
    item = load_evidence(case_id, evidence_id)
    if FlaskForm().validate_on_submit() and item.kind == "office":
        queue_preview(current_user, item)
        db.session.commit()
    return redirect(url_for("cases.evidence", case_id=case_id))


@bp.get("/<int:case_id>/evidence/<int:evidence_id>/download")
@allow(*READERS, check=reads_evidence)
def download(case_id, evidence_id):
    """The original file as uploaded (the applicant's and the admins' copy)."""
    item = load_evidence(case_id, evidence_id)
    return send_stored_file(item.storage_name, item.mime or "application/octet-stream", DOWNLOAD_POLICY,
                            item.original_name or "evidence", as_attachment=True)


@bp.get("/<int:case_id>/evidence/<int:evidence_id>/blind")
@allow(*READERS, check=reads_evidence)
def download_blind(case_id, evidence_id):
    """The blind copy, under a generated name."""
    item = load_evidence(case_id, evidence_id)
    extension = (item.blind_storage_name or "").rsplit(".", 1)[-1]
    return send_stored_file(item.blind_storage_name, item.mime or "application/octet-stream", DOWNLOAD_POLICY,
                            f"case-{case_id}-{item.kind}-{item.position + 1}.{extension}", as_attachment=True)


@bp.get("/<int:case_id>/evidence/<int:evidence_id>/view")
@allow(*READERS, check=reads_evidence)
def view(case_id, evidence_id):
    """Read the file in the browser: photos and PDFs (cleaned copies), Office files as their PDF rendering."""
    item = load_evidence(case_id, evidence_id)
    if item.kind == "photo":
        return send_stored_file(item.blind_storage_name, item.mime, IMAGE_POLICY)
    if item.kind == "pdf":
        return send_stored_file(item.blind_storage_name, "application/pdf", PDF_POLICY)
    if item.kind == "office" and item.preview_storage_name:
        return send_stored_file(item.preview_storage_name, "application/pdf", PDF_POLICY)
    flash(_l("This file cannot be shown in the browser yet; download it instead."), "info")
    return redirect(url_for("cases.evidence", case_id=case_id))


@bp.get("/<int:case_id>/evidence/<int:evidence_id>/thumbnail")
@allow(*READERS, check=reads_evidence)
def thumbnail(case_id, evidence_id):
    item = load_evidence(case_id, evidence_id)
    return send_stored_file(item.thumbnail_name, "image/jpeg", IMAGE_POLICY)
