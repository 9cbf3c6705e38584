"""Case pages: edit (with autosave), submit, withdraw, receipt and blind check.

Starting and deleting a draft, evidence and activity-log pages register on the same
blueprint from their own modules, imported at the end.
"""
from flask import (
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..access import allow
from ..auth.models import Role
from ..campaigns.phases import WindowClosed
from ..extensions import db
from ..security import DOWNLOAD_POLICY
from ..views import committed
from . import operations
from .blueprint import READERS, bp, load_case, owns_case, reads_case
from .checks import (
    FIELD_LABELS,
    SOURCE_LABELS,
    blind_captions,
    missing_items,
    narrative_mentions,
)
from .forms import CaseForm, case_form_data, case_values
from .receipt import receipt_pdf
from .reference import NARRATIVE_SECTIONS
from .uploads import UploadRefused
from .workflow import TransitionRefused

_REFUSALS = (operations.CaseError, WindowClosed, TransitionRefused, UploadRefused)


@bp.get("/<int:case_id>")
@allow(*READERS, check=reads_case)
def show(case_id):
    case = load_case(case_id)
    if current_user.role is Role.UNIT:  # the screening unit: the whole submitted version
        from ..recommendation.screening import case_page
        return case_page(case)
    return render_template("cases/show.html", case=case, missing=missing_items(case),
                           editable=operations.is_editable(case), may_withdraw=operations.may_withdraw(case),
                           captions=blind_captions(case), narrative_sections=NARRATIVE_SECTIONS)


def _render_edit(case, form, conflict=None, status=200):
    return render_template("cases/edit.html", case=case, form=form, conflict=conflict), status


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@allow(Role.ORGANIZATION, check=owns_case)
def edit(case_id):
    case = load_case(case_id)
    if not operations.is_editable(case):
        flash(_l("This case has been submitted and can no longer be changed."), "info")
        return redirect(url_for("cases.show", case_id=case.id))
    if request.method == "GET":
        return _render_edit(case, CaseForm(campaign=case.campaign, data=case_form_data(case)))
    form = CaseForm(campaign=case.campaign)
    if not form.validate_on_submit():
        return _render_edit(case, form, status=422)
    try:
        _save(case, form)
    except operations.EditConflict as conflict:
        db.session.rollback()
        return _render_edit(load_case(case_id), form, conflict=conflict.message, status=409)
    db.session.commit()
    flash(_l("Draft saved."), "success")
    return redirect(url_for("cases.edit", case_id=case.id))


def _save(case, form):
    try:
        expected = int(form.version.data or 0)
    except ValueError:
        expected = 0
    try:
        operations.save_draft(current_user, case, case_values(form), expected)
    except StaleDataError as error:
        raise operations.EditConflict(_l("This case was saved elsewhere at the same moment; your changes "
                                         "were not saved. Reload the page and apply them again.")) from error


@bp.post("/<int:case_id>/autosave")
@allow(Role.ORGANIZATION, check=owns_case)
def autosave(case_id):
    case = load_case(case_id)
    form = CaseForm(campaign=case.campaign)
    if not operations.is_editable(case):
        return jsonify(ok=False, message=str(_l("This case has been submitted and can no longer be changed."))), 409
    if not form.validate_on_submit():
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        return jsonify(ok=False, errors=errors, message=str(_l("Not saved: please correct the marked fields."))), 422
    try:
        _save(case, form)
    except operations.EditConflict as conflict:
        db.session.rollback()
        return jsonify(ok=False, conflict=True, message=str(conflict.message)), 409
    db.session.flush()
    version = case.version  # read before the commit expires the case (reading after it reloads the row)
    db.session.commit()
    return jsonify(ok=True, version=version, message=str(_l("Saved at %(time)s.", time=_now_text())))


def _now_text():
    from ..timezones import format_local, utcnow
    return format_local(utcnow(), "Asia/Shanghai")[-5:]


@bp.route("/<int:case_id>/submit", methods=["GET", "POST"])
@allow(Role.ORGANIZATION, check=owns_case)
def submit(case_id):
    case = load_case(case_id)
    error, status = None, 200
    if request.method == "POST":
        form_ok = _csrf_form().validate_on_submit()
        try:
            if not form_ok:
                raise operations.CaseError(_l("The form had expired; please send it again."))
            operations.submit_case(current_user, case)
        except _REFUSALS as refusal:
            db.session.rollback()
            case, error, status = load_case(case_id), refusal.message, 409
        else:
            db.session.commit()
            flash(_l("Your case has been submitted. You can download the receipt below."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/submit.html", case=case, missing=missing_items(case), error=error,
                           mentions=narrative_mentions(case), deadline=operations.deadline_text(case.campaign, case),
                           form=_csrf_form(), editable=operations.is_editable(case)), status


def _applicants_own_now(case):
    """The screening unit asks for a page drawn from the live case while the applicant is changing
    it: those changes are the applicant's until submitted, so the unit goes to the submitted version."""
    return current_user.role is Role.UNIT and operations.is_editable(case)


def _csrf_form():
    from flask_wtf import FlaskForm
    return FlaskForm()


@bp.post("/<int:case_id>/withdraw")
@allow(Role.ORGANIZATION, check=owns_case)
def withdraw(case_id):
    case = load_case(case_id)
    if not _csrf_form().validate_on_submit():
        return redirect(url_for("cases.show", case_id=case.id))
    with committed(_l("The case is a draft again. Submit it again before the deadline."), *_REFUSALS):
        operations.withdraw_case(current_user, case)
    return redirect(url_for("cases.show", case_id=case_id))


@bp.get("/<int:case_id>/receipt.pdf")
@allow(*READERS, check=reads_case)
def receipt(case_id):
    case = load_case(case_id)
    if _applicants_own_now(case):
        return redirect(url_for("cases.show", case_id=case.id))
    if case.submitted_at is None:
        flash(_l("A receipt exists only for a submitted case."), "info")
        return redirect(url_for("cases.show", case_id=case.id))
    response = make_response(receipt_pdf(case))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f"attachment; filename=receipt-case-{case.id}.pdf"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.get("/<int:case_id>/blind-check")
@allow(*READERS, check=reads_case)
def blind_check(case_id):
    case = load_case(case_id)
    if _applicants_own_now(case):
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/blind_check.html", case=case, mentions=narrative_mentions(case),
                           captions=blind_captions(case), form=_csrf_form(), source_labels=SOURCE_LABELS,
                           field_labels=FIELD_LABELS, editable=operations.is_editable(case))


@bp.post("/<int:case_id>/blind-check")
@allow(Role.ORGANIZATION, check=owns_case)
def refresh_blind_check(case_id):
    case = load_case(case_id)
    if _csrf_form().validate_on_submit() and operations.is_editable(case):
        with committed(_l("The blind copy has been checked again."), UploadRefused):
            operations.refresh_blind_copy(current_user, case)
    return redirect(url_for("cases.blind_check", case_id=case_id))


from . import routes_activities, routes_drafts, routes_evidence  # noqa: F401  (they add their views to bp)
