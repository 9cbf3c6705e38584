"""The units table as an .xlsx workbook."""
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def units_workbook(campaign, rows):
    """Bytes of a workbook with one sheet: the units in registration order."""
    book = Workbook()
    sheet = book.active
    sheet.title = campaign.slug[:31]
    sheet.append([_("No."), _("Recommending unit"), _("Kind"), _("Registered"),
                  _("Users"), _("Cases submitted"), _("Cases recommended")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        unit = row["unit"]
        sheet.append([unit.registration_order, unit.name, str(unit.kind.label),
                      _("Yes") if row["registered"] else _("No"),
                      row["users"], row["submitted"], row["recommended"]])
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
