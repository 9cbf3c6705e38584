"""The activity log as the city statistics table has it: read, check, write, and count by month.

Everything here works on plain values (rows of cells, dates), so the import
rules and the regularity chart are tested without a request or a database.
"""
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from ..spreadsheets import TableRefused, append_row, read_rows

# (attribute, Chinese header, English header, longest value) in the table's order.
COLUMNS = [
    ("position", "序号", "No.", None),
    ("host_unit", "举办单位", "Host unit", 200),
    ("name", "活动名称", "Activity name", 200),
    ("summary", "活动简介", "Summary", 2000),
    ("mode", "举办方式", "Online/offline", None),
    ("held_on_text", "举办时间", "Time", 100),
    ("contact_person", "联系人", "Contact person", 80),
    ("contact_details", "联系方式", "Contact details", 120),
    ("remarks", "备注", "Remarks", 2000),
]
HEADERS_ZH = [zh for _attr, zh, _en, _max in COLUMNS]
REQUIRED = ("name", "mode", "held_on_text")
MAX_ROWS = 2000
_EXTRA_HEADER_NAMES = {
    "no": "position", "number": "position", "serial number": "position", "host": "host_unit",
    "activity": "name", "name": "name", "mode": "mode", "online or offline": "mode", "date": "held_on_text",
    "time held": "held_on_text", "contact": "contact_person", "phone": "contact_details", "remark": "remarks",
}
_MODES = {"线上": "online", "online": "online", "网络": "online", "线下": "offline", "offline": "offline",
          "现场": "offline"}
MODE_LABELS_ZH = {"online": "线上", "offline": "线下"}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?")


class ImportRefused(Exception):
    """The file cannot be read as the statistics table; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class RowError:
    row: int          # the row number as the spreadsheet shows it
    column: str       # the header as written in the file
    message: object


@dataclass
class ParsedTable:
    rows: list = field(default_factory=list)      # dicts of attribute -> value
    errors: list = field(default_factory=list)    # RowError


def _header_key(text):
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s:：*]+", " ", text).strip().rstrip(".")


_HEADER_LOOKUP = {}
for _attr, _zh, _en, _max in COLUMNS:
    _HEADER_LOOKUP[_header_key(_zh)] = _attr
    _HEADER_LOOKUP[_header_key(_en)] = _attr
_HEADER_LOOKUP.update(_EXTRA_HEADER_NAMES)


def parse_date(value):
    """A date from a spreadsheet cell: a date value, 2024-06-15, 2024/6/15, 2024年6月15日 or 2024年6月."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(unicodedata.normalize("NFKC", str(value or "")))
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_mode(value):
    return _MODES.get(unicodedata.normalize("NFKC", str(value or "")).strip().lower())


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if not (value.hour or value.minute) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_row(values, number, header_names):
    """(row dict, errors) for one row of cells keyed by attribute."""
    errors, row = [], {}
    for attr, _zh, _en, longest in COLUMNS:
        raw = values.get(attr)
        text = _cell_text(raw)
        column = header_names.get(attr, attr)
        if attr in REQUIRED and not text:
            errors.append(RowError(number, column, _l("This cell is empty; it is required.")))
            continue
        if longest and len(text) > longest:
            errors.append(RowError(number, column, _l("At most %(max)d characters.", max=longest)))
        row[attr] = text
    if row.get("mode"):
        mode = parse_mode(row["mode"])
        if mode is None:
            errors.append(RowError(number, header_names.get("mode", "mode"),
                                   _l("Write 线上 (online) or 线下 (offline).")))
        row["mode"] = mode
    if row.get("held_on_text"):
        held = parse_date(values.get("held_on_text"))
        if held is None:
            errors.append(RowError(number, header_names.get("held_on_text", "held_on_text"),
                                   _l("Write the date like 2024-06-15 or 2024年6月15日.")))
        row["held_on"] = held
    return row, errors


def parse_table(table_rows):
    """Check rows of cells (the first non-empty one is the header) against the statistics table."""
    rows = iter(enumerate(table_rows, start=1))
    header = None
    for number, cells in rows:
        if any(_cell_text(c) for c in cells):
            header = (number, cells)
            break
    if header is None:
        raise ImportRefused(_l("The file is empty."))
    positions, header_names = {}, {}
    for index, cell in enumerate(header[1]):
        attr = _HEADER_LOOKUP.get(_header_key(cell))
        if attr and attr not in positions:
            positions[attr] = index
            header_names[attr] = _cell_text(cell)
    missing = [zh for attr, zh, _en, _max in COLUMNS if attr in REQUIRED and attr not in positions]
    if missing:
        raise ImportRefused(_l("Row %(row)d should be the header of the table; these columns are missing: "
                               "%(columns)s.", row=header[0], columns="、".join(missing)))
    result = ParsedTable()
    for number, cells in rows:
        cells = list(cells)
        if not any(_cell_text(c) for c in cells):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise ImportRefused(_l("The file has more than %(n)d rows; split it into smaller files.", n=MAX_ROWS))
        values = {attr: cells[i] if i < len(cells) else None for attr, i in positions.items()}
        row, errors = check_row(values, number, header_names)
        result.rows.append(row)
        result.errors.extend(errors)
    if not result.rows:
        raise ImportRefused(_l("The file has a header but no rows."))
    return result


def read_table(data, extension):
    """Rows of cells from .xlsx (first sheet) or .csv (UTF-8 or GB18030) bytes, read as they are
    consumed and within the spreadsheet limits (reviewapp/spreadsheets.py)."""
    try:
        yield from read_rows(data, extension)
    except TableRefused as refused:
        raise ImportRefused(refused.message) from refused


def held_on_datetime(held):
    """The stored form of a date of the log: midnight UTC of that calendar day."""
    return datetime(held.year, held.month, held.day, tzinfo=timezone.utc) if held else None


def export_xlsx(entries):
    """The log as an .xlsx file with the statistics table's Chinese headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "活动统计表"
    sheet.append(HEADERS_ZH)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, entry in enumerate(entries, start=1):
        append_row(sheet, [number, entry.host_unit, entry.name, entry.summary,
                      MODE_LABELS_ZH.get(entry.mode, entry.mode), entry.held_on_text,
                      entry.contact_person, entry.contact_details, entry.remarks])
    for letter, width in zip("ABCDEFGHI", (6, 24, 28, 40, 10, 16, 10, 18, 20)):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# ---- regularity: activities per month --------------------------------------

def monthly_counts(dates, today, months=12):
    """[(year, month, count)] for the `months` calendar months ending with today's, oldest first."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    counts = dict.fromkeys(keys, 0)
    for held in dates:
        if held is not None and (held.year, held.month) in counts:
            counts[(held.year, held.month)] += 1
    return [(y, m, counts[(y, m)]) for y, m in keys]


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    height: float


def bar_chart(counts, width=480, height=140, label_space=18):
    """Bars for a small SVG chart of monthly counts (geometry only; the template draws it)."""
    slot = width / max(len(counts), 1)
    top = max([c for _y, _m, c in counts] + [1])
    plot = height - label_space - 12
    bars = []
    for index, (year, month, count) in enumerate(counts):
        bar_height = plot * count / top
        bars.append(Bar(label=f"{month}" if month != 1 or index == 0 else f"{year % 100:02d}/1",
                        count=count, x=index * slot + slot * 0.15,
                        y=12 + plot - bar_height, height=bar_height))
    return {"bars": bars, "bar_width": slot * 0.7, "width": width, "height": height,
            "baseline": 12 + plot, "active_months": sum(1 for b in bars if b.count)}
