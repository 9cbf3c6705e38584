"""Spreadsheets: the campaign statistics, and the activity-log statistics table for a set of cases."""
import io
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.styles import Font

from ..cases.activity_log import export_xlsx
from ..cases.models import Case
from ..extensions import db
from ..spreadsheets import append_row
from .statistics import REACHED, STAGE_LABELS, STAGES

CASE_SETS = {"selected": REACHED["selected"], "submitted": REACHED["submitted"],
             "reviewed": REACHED["reviewed"], "recommended": REACHED["recommended"]}


def statistics_xlsx(campaign, statistics):
    """One sheet of totals, then one sheet per dimension with a row per value."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(campaign.year)
    stage_headers = [str(STAGE_LABELS[stage]) for stage in STAGES]
    append_row(sheet, [campaign.title, *stage_headers])
    append_row(sheet, ["", *(statistics["totals"][stage] for stage in STAGES)])
    for dimension, label, rows in statistics["tables"]:
        table = workbook.create_sheet(str(label)[:31])
        append_row(table, [str(label), *stage_headers])
        for row in rows:
            append_row(table, [row.label, *(row.counts[stage] for stage in STAGES)])
        table.column_dimensions["A"].width = 36
    for each in workbook.worksheets:
        for cell in each[1]:
            cell.font = Font(bold=True)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def cases_for_log(campaign, case_set="selected", province=""):
    """The campaign's cases in `case_set` (a stage reached), optionally of one province."""
    from ..organizations.models import Organization

    select = db.select(Case).join(Organization, Organization.id == Case.organization_id).filter(
        Case.campaign_id == campaign.id, Case.state.in_(CASE_SETS.get(case_set, CASE_SETS["selected"])))
    if province:
        select = select.filter(Organization.province == province)
    return db.session.scalars(select.order_by(Organization.name, Case.id)).all()


def activity_log_xlsx(cases, year=None, unit_name=""):
    """The city statistics table as issued (title, 单位名称, 序号 … 备注) over every activity of
    `cases`, numbered 1..n.

    An activity without a host unit is listed under its case's organization."""
    entries = [SimpleNamespace(host_unit=entry.host_unit or case.organization.name, name=entry.name,
                               summary=entry.summary, mode=entry.mode, held_on_text=entry.held_on_text,
                               contact_person=entry.contact_person, contact_details=entry.contact_details,
                               remarks=entry.remarks)
               for case in cases for entry in case.activities]
    return export_xlsx(entries, year=year, unit_name=unit_name)
