"""The filing export for the national fitness information platform's events column.

The platform's import format is not public, so the file's columns are a mapping the department
keeps: which of our fields (FIELDS, documented in the README) goes under which column name.
Without a stored mapping, DEFAULT_MAPPING is used.
"""
import csv
import io
import re

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..audit import record
from ..cases.activity_log import MODE_LABELS_ZH
from ..cases.reference import SERVICE_PLACES
from ..extensions import db
from ..organizations.reference import PROVINCES
from ..spreadsheets import append_row, csv_row

_PROVINCE_ZH = {code: zh for code, zh, _en in PROVINCES}
_PLACE_LABELS = dict(SERVICE_PLACES)

# field -> (label, value from (entry, case, organization, home unit)). The values are Chinese:
# the platform is a Chinese government system.
FIELDS = {
    "activity_name": (_l("Activity name (活动名称)"), lambda e, c, o, u: e.name),
    "organizer": (_l("Organizer: the host unit, else the organization"), lambda e, c, o, u: e.host_unit or o.name),
    "organization": (_l("Organization that filed the row"), lambda e, c, o, u: o.name),
    "reporting_unit": (_l("Sports bureau or unit the organization reports to"), lambda e, c, o, u: u.name_zh if u else ""),
    "start_date": (_l("Date held, YYYY-MM-DD (first day of a range)"),
                   lambda e, c, o, u: e.held_on.date().isoformat() if e.held_on else ""),
    "time_as_written": (_l("Time as written in the table (举办时间)"), lambda e, c, o, u: e.held_on_text),
    "region": (_l("Province of the organization"), lambda e, c, o, u: _PROVINCE_ZH.get(o.province, "")),
    "service_places": (_l("Where the case serves (six entries), of the case"),
                       lambda e, c, o, u: "、".join(_place_zh(code) for code in c.service_places or [])),
    "mode": (_l("Online or offline (线上 / 线下 / 线上线下)"), lambda e, c, o, u: MODE_LABELS_ZH.get(e.mode, e.mode)),
    "people_served": (_l("People served, the case's total (not per activity)"),
                      lambda e, c, o, u: c.people_served if c.people_served is not None else ""),
    "volunteers": (_l("Volunteers, the case's total"), lambda e, c, o, u: c.volunteers if c.volunteers is not None else ""),
    "contact_person": (_l("Contact person (联系人)"), lambda e, c, o, u: e.contact_person or c.contact_person),
    "contact_details": (_l("Contact details (联系方式)"), lambda e, c, o, u: e.contact_details or c.contact_phone),
    "summary": (_l("Summary (活动简介)"), lambda e, c, o, u: e.summary),
    "remarks": (_l("Remarks (备注)"), lambda e, c, o, u: e.remarks),
}
DEFAULT_MAPPING = [("活动名称", "activity_name"), ("主办单位", "organizer"), ("活动日期", "start_date"),
                   ("活动地点", "region"), ("举办方式", "mode"), ("参与人数", "people_served"),
                   ("联系人", "contact_person"), ("联系电话", "contact_details"), ("活动简介", "summary")]
HEADING_MAX = 60
MAX_COLUMNS = 40


def _place_zh(code):
    from flask_babel import force_locale
    with force_locale("zh"):
        return str(_PLACE_LABELS.get(code, code))


class FilingColumn(db.Model):
    """One column of the filing file: its heading and the field written under it."""

    __tablename__ = "filing_columns"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    heading: Mapped[str] = mapped_column(String(HEADING_MAX))
    field: Mapped[str] = mapped_column(String(40))


class MappingRefused(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = messages


def current_mapping():
    """[(heading, field)] in column order: the stored mapping, else the default one."""
    rows = db.session.scalars(db.select(FilingColumn).order_by(FilingColumn.position)).all()
    return [(row.heading, row.field) for row in rows] or list(DEFAULT_MAPPING)


def mapping_text(mapping):
    return "\n".join(f"{heading} = {field}" for heading, field in mapping)


def parse_mapping(text):
    """[(heading, field)] from lines "column name = field"; MappingRefused lists every problem."""
    mapping, errors, headings = [], [], set()
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        heading, equals, field = line.rpartition("=")
        heading, field = re.sub(r"\s+", " ", heading).strip(), field.strip()
        if not equals or not heading:
            errors.append(_l("Line %(n)d: write the column name, an equals sign and a field.", n=number))
        elif field not in FIELDS:
            errors.append(_l("Line %(n)d: %(field)s is not one of the fields listed.", n=number, field=field))
        elif len(heading) > HEADING_MAX:
            errors.append(_l("Line %(n)d: a column name has at most %(max)d characters.", n=number, max=HEADING_MAX))
        elif heading.startswith(("=", "+", "-", "@")):
            errors.append(_l("Line %(n)d: a column name cannot start with = + - or @.", n=number))
        elif heading.lower() in headings:
            errors.append(_l("Line %(n)d: the column %(heading)s is named twice.", n=number, heading=heading))
        else:
            headings.add(heading.lower())
            mapping.append((heading, field))
    if not errors and not mapping:
        errors.append(_l("Name at least one column."))
    if len(mapping) > MAX_COLUMNS:
        errors.append(_l("At most %(n)d columns.", n=MAX_COLUMNS))
    if errors:
        raise MappingRefused(errors)
    return mapping


def save_mapping(actor, mapping):
    """Store `mapping` as the filing columns; True if it changed. Flushes and logs."""
    before = current_mapping()
    if mapping == before:
        return False  # re-saving the default stores nothing
    db.session.execute(db.delete(FilingColumn))
    db.session.add_all(FilingColumn(position=index, heading=heading, field=field)
                       for index, (heading, field) in enumerate(mapping, start=1))
    db.session.flush()
    record(actor, "units.filing_columns", changes={"columns": [before, mapping]})
    return True


def filing_rows(rows, units_by_id, mapping):
    """The header, then one list of values per activity row, in the mapping's order."""
    yield [heading for heading, _field in mapping]
    for entry, case, organization, home_unit_id in rows:
        unit = units_by_id.get(home_unit_id)
        yield [FIELDS[field][1](entry, case, organization, unit) for _heading, field in mapping]


def filing_csv(table):
    """UTF-8 with a BOM, so that spreadsheet programs read the Chinese."""
    output = io.StringIO()
    writer = csv.writer(output)
    for values in table:
        writer.writerow(csv_row(values))
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def filing_xlsx(table):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "活动备案"
    for values in table:
        append_row(sheet, values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
