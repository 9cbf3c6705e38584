"""The activity log of a case: rows added by hand, imported from the statistics table, exported back."""
from datetime import date

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import allow
from ..auth.models import Role
from ..extensions import db
from ..security import DOWNLOAD_POLICY
from . import operations
from .activity_log import (
    ImportRefused,
    bar_chart,
    export_xlsx,
    monthly_counts,
    parse_table,
    read_table,
)
from .blueprint import READERS, bp, load_case, owns_activity, owns_case, reads_case
from .forms import ActivityForm, ImportForm
from .models import ActivityLogEntry
from .uploads import OFFICE, UploadRefused, read_upload, verify_upload

IMPORT_MAX_BYTES = 5 * 1024 * 1024


def regularity_chart(case, today=None):
    """The chart data of activities per month over the last 12 months (also for the review page)."""
    counts = monthly_counts([entry.held_on for entry in case.activities], today or date.today())
    return bar_chart(counts)


def _page(case, form=None, import_form=None, row_errors=(), import_error=None, status=200):
    return render_template(
        "cases/activities.html", case=case, editable=operations.is_editable(case),
        form=form or ActivityForm(formdata=None), import_form=import_form or ImportForm(formdata=None),
        row_errors=row_errors, import_error=import_error, chart=regularity_chart(case)), status


@bp.get("/<int:case_id>/activities")
@allow(*READERS, check=reads_case)
def activities(case_id):
    case = load_case(case_id)
    if current_user.role is Role.UNIT:  # the screening unit reads the submitted rows
        from ..recommendation.screening import part_page
        return part_page(case, "activities")
    return _page(case)


@bp.post("/<int:case_id>/activities")
@allow(Role.ORGANIZATION, check=owns_case)
def add_activity(case_id):
    case = load_case(case_id)
    form = ActivityForm()
    form.campaign_year = case.campaign.year
    if not form.validate_on_submit():
        return _page(case, form=form, status=422)
    try:
        operations.add_activity(current_user, case, form.row())
    except operations.CaseError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("cases.activities", case_id=case_id))
    db.session.commit()
    flash(_l("Activity added."), "success")
    return redirect(url_for("cases.activities", case_id=case_id))


@bp.post("/<int:case_id>/activities/<int:activity_id>/delete")
@allow(Role.ORGANIZATION, check=owns_activity)
def delete_activity(case_id, activity_id):
    entry = db.session.get(ActivityLogEntry, activity_id)
    if FlaskForm().validate_on_submit():
        try:
            operations.delete_activity(current_user, entry)
        except operations.CaseError as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(_l("Activity removed."), "success")
    return redirect(url_for("cases.activities", case_id=case_id))


@bp.route("/<int:case_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@allow(Role.ORGANIZATION, check=owns_activity)
def edit_activity(case_id, activity_id):
    case = load_case(case_id)
    entry = db.session.get(ActivityLogEntry, activity_id)
    form = ActivityForm(obj=entry) if request.method == "GET" else ActivityForm()
    form.campaign_year = case.campaign.year
    if request.method == "POST" and form.validate_on_submit():
        try:
            changed = operations.edit_activity(current_user, entry, form.row())
        except operations.CaseError as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(_l("Activity saved.") if changed else _l("Nothing was changed."), "success")
        return redirect(url_for("cases.activities", case_id=case_id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/activity_edit.html", case=case, entry=entry, form=form,
                           editable=operations.is_editable(case)), status


def _table_rows(upload):
    """Rows of cells from an uploaded .xlsx (checked like evidence: no zip bombs) or .csv file."""
    data = read_upload(upload.stream, upload.filename, IMPORT_MAX_BYTES)
    if data.startswith(b"PK"):
        verified = verify_upload(data, upload.filename)
        if verified.kind != OFFICE or verified.extension != "xlsx":
            raise ImportRefused(_l("Upload the table as an Excel workbook (.xlsx) or a CSV file."))
        return read_table(data, "xlsx")
    if b"\x00" in data[:4096]:
        raise ImportRefused(_l("Upload the table as an Excel workbook (.xlsx) or a CSV file."))
    return read_table(data, "csv")


@bp.post("/<int:case_id>/activities/import")
@allow(Role.ORGANIZATION, check=owns_case)
def import_activities(case_id):
    case = load_case(case_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(case, import_form=form, status=422)
    try:
        operations.require_editable(case)
        table = parse_table(_table_rows(form.table.data), year=case.campaign.year)
    except (ImportRefused, UploadRefused, operations.CaseError) as refusal:
        return _page(case, import_form=form, import_error=refusal.message, status=422)
    if table.errors:
        return _page(case, import_form=form, row_errors=table.errors, status=422)
    counts = operations.import_activities(current_user, case, table.rows)
    db.session.commit()
    flash(_l("Table imported: %(added)d activities added, %(updated)d updated, %(unchanged)d unchanged.",
             added=counts.added, updated=counts.updated, unchanged=counts.unchanged), "success")
    return redirect(url_for("cases.activities", case_id=case_id))


@bp.get("/<int:case_id>/activities.xlsx")
@allow(*READERS, check=reads_case)
def export_activities(case_id):
    case = load_case(case_id)
    rows = case.activities
    if current_user.role is Role.UNIT:
        from .snapshot import submitted_version
        shown = submitted_version(case)
        rows = shown.activities if shown is not None else []
    # 单位名称: the applicant organization, whose table this is (only it, admins and its unit read it).
    response = make_response(export_xlsx(rows, year=case.campaign.year, unit_name=case.organization.name))
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f"attachment; filename=activities-case-{case.id}.xlsx"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response
