"""The units table and a unit's list of cases as .xlsx workbooks."""
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..spreadsheets import append_row


def units_workbook(campaign, rows):
    """Bytes of a workbook with one sheet: the units in registration order."""
    book = Workbook()
    sheet = book.active
    sheet.title = campaign.slug[:31]
    append_row(sheet, [_("No."), _("Recommending unit"), _("Kind"), _("Has an account"),
                  _("Users"), _("Cases submitted"), _("Cases recommended")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        unit = row["unit"]
        append_row(sheet, [unit.registration_order, unit.name, str(unit.kind.label),
                      _("Yes") if row["registered"] else _("No"),
                      row["users"], row["submitted"], row["recommended"]])
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cases_workbook(campaign, rows):
    """Bytes of a workbook of the unit's cases (listing.Row), as listed: the submitted versions."""
    from ..timezones import format_local
    book = Workbook()
    sheet = book.active
    sheet.title = campaign.slug[:31]
    append_row(sheet, [_("Case number"), _("Title"), _("Organization"), _("Type"), _("Themes"), _("Submitted"),
                  _("Status"), _("Volunteers"), _("Service hours"), _("Activities held"), _("People served")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        shown, organization = row.shown, row.organization
        figures = [getattr(shown, name, None) for name in ("volunteers", "service_hours", "activities_held",
                                                          "people_served")]
        append_row(sheet, [row.number, row.title, organization.name, str(organization.org_type_label),
                      "、".join(row.theme_names), format_local(row.submitted_at, campaign.timezone),
                      str(row.state.label), *figures])
    for letter, width in zip("ABCDEFG", (12, 40, 32, 28, 24, 18, 16)):
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
