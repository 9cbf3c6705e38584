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
from openpyxl.styles import Alignment, Font

from ..spreadsheets import TableRefused, append_row, read_rows

# (attribute, Chinese header, English header, longest value) in the table's order.
COLUMNS = [
    ("position", "序号", "No.", None),
    ("host_unit", "举办单位", "Host unit", 200),
    ("name", "活动名称", "Activity name", 200),
    ("summary", "活动简介", "Summary", 2000),
    ("mode", "举办方式 (线上、线下)", "Online/offline", None),
    ("held_on_text", "举办时间", "Time", 100),
    ("contact_person", "联系人", "Contact person", 80),
    ("contact_details", "联系方式", "Contact details", 120),
    ("remarks", "备注", "Remarks", 2000),
]
# The header exactly as seed 001 issues it (举办方式 with its note in half-width brackets).
HEADERS_ZH = [zh for _attr, zh, _en, _max in COLUMNS]
TITLE = "全民健身志愿服务活动统计表"
UNIT_LINE = "单位名称（盖章）："
REQUIRED = ("name", "mode", "held_on_text")
MAX_ROWS = 2000
# The issued table has a title and the 单位名称 line above its header: look this far for it.
HEADER_SEARCH_ROWS = 10
_EXTRA_HEADER_NAMES = {
    "no": "position", "number": "position", "serial number": "position", "host": "host_unit",
    "activity": "name", "name": "name", "mode": "mode", "online or offline": "mode", "date": "held_on_text",
    "time held": "held_on_text", "contact": "contact_person", "phone": "contact_details", "remark": "remarks",
}
_MODES = {"线上": "online", "online": "online", "网络": "online", "线下": "offline", "offline": "offline",
          "现场": "offline", "线上线下": "both", "线下线上": "both", "线上线下结合": "both", "onlineandoffline": "both",
          "onlineoffline": "both", "offlineonline": "both", "both": "both", "hybrid": "both"}
MODE_LABELS_ZH = {"online": "线上", "offline": "线下", "both": "线上线下"}
# Between 线上 and 线下 when both are written: 线上、线下 / 线上+线下 / 线上和线下 / online & offline.
_MODE_JOINERS = re.compile(r"[\s、/+＋&,，;；和与及]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?")
# Without the year, as a table for one campaign's year often has it: 6月15日, 6月, 6.15, 6/15.
_DATE_IN_YEAR = re.compile(r"^\s*(\d{1,2})\s*(?:月\s*(?:(\d{1,2})\s*日?)?|[/.]\s*(\d{1,2}))")


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


_BRACKETED = re.compile(r"[(\[【〔〖][^)\]】〕〗]*[)\]】〕〗]")


def _header_key(text):
    """A header cell as compared: NFKC (full-width brackets and spaces become half-width), without
    its bracketed note ("举办方式（线上、线下）", "举办方式 (线上/线下)" are 举办方式), spaces, colons
    and asterisks, lower case."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = _BRACKETED.sub("", text)
    return re.sub(r"[\s:：*]+", "", text).rstrip(".")


_HEADER_LOOKUP = {}
for _attr, _zh, _en, _max in COLUMNS:
    _HEADER_LOOKUP[_header_key(_zh)] = _attr
    _HEADER_LOOKUP[_header_key(_en)] = _attr
_HEADER_LOOKUP.update({_header_key(name): attr for name, attr in _EXTRA_HEADER_NAMES.items()})


def parse_date(value, year=None):
    """A date from a spreadsheet cell: a date value, 2024-06-15, 2024/6/15, 2024年6月15日 or 2024年6月;
    given the campaign's `year`, also 6月15日, 6月 or 6.15 (a range such as 6月—11月 is its first day)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value or ""))
    match = _DATE.match(text)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    else:
        match = _DATE_IN_YEAR.match(text) if year else None
        if not match:
            return None
        month, day = int(match.group(1)), int(match.group(2) or match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_mode(value):
    """online, offline or both from a 举办方式 cell (线上, 线下, 线上线下, 线上、线下, online …)."""
    return _MODES.get(_MODE_JOINERS.sub("", unicodedata.normalize("NFKC", str(value or "")).lower()))


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


def check_row(values, number, header_names, year=None):
    """(row dict, errors) for one row of cells keyed by attribute; `year` completes dates without one."""
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
                                   _l("Write 线上 (online), 线下 (offline) or 线上线下 (both).")))
        row["mode"] = mode
    if row.get("held_on_text"):
        held = parse_date(values.get("held_on_text"), year)
        if held is None:
            errors.append(RowError(number, header_names.get("held_on_text", "held_on_text"),
                                   _l("Write the date like 2024-06-15 or 2024年6月15日.")))
        row["held_on"] = held
    return row, errors


def _header_positions(cells):
    positions, header_names = {}, {}
    for index, cell in enumerate(cells):
        attr = _HEADER_LOOKUP.get(_header_key(cell))
        if attr and attr not in positions:
            positions[attr] = index
            header_names[attr] = _cell_text(cell)
    return positions, header_names


def _find_header(rows):
    """(row number, positions, header names) of the header: the first of the first
    HEADER_SEARCH_ROWS rows that names every required column (title rows and the 单位名称
    line above it are skipped). Without one, the refusal names the row that came closest."""
    closest = None
    for number, cells in rows:
        if any(_cell_text(c) for c in cells):
            positions, header_names = _header_positions(cells)
            if all(attr in positions for attr in REQUIRED):
                return number, positions, header_names
            if closest is None or len(positions) > len(closest[1]):
                closest = (number, positions)
        if number >= HEADER_SEARCH_ROWS and closest is not None:
            break
    if closest is None:
        raise ImportRefused(_l("The file is empty."))
    missing = [zh for attr, zh, _en, _max in COLUMNS if attr in REQUIRED and attr not in closest[1]]
    raise ImportRefused(_l("Row %(row)d should be the header of the table; these columns are missing: "
                           "%(columns)s.", row=closest[0], columns="、".join(missing)))


def parse_table(table_rows, year=None):
    """Check rows of cells against the statistics table: the header is found among the first rows
    (as a city issues the table: a title row, the 单位名称 line, then the header), the rows follow it."""
    rows = iter(enumerate(table_rows, start=1))
    _number, positions, header_names = _find_header(rows)
    result = ParsedTable()
    for number, cells in rows:
        cells = list(cells)
        if not any(_cell_text(c) for c in cells):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise ImportRefused(_l("The file has more than %(n)d rows; split it into smaller files.", n=MAX_ROWS))
        values = {attr: cells[i] if i < len(cells) else None for attr, i in positions.items()}
        if not any(_cell_text(value) for attr, value in values.items() if attr != "position"):
            continue  # the issued form's pre-numbered blank rows, a note such as 填表人： under the table
        row, errors = check_row(values, number, header_names, year)
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


# ---- re-import: which stored activity an imported row corrects --------------------

ENTRY_FIELDS = ("host_unit", "name", "summary", "mode", "held_on_text", "contact_person", "contact_details",
                "remarks")


def _same(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip().lower()


def _position(row):
    text = _same(row.get("position"))
    return int(text) if text.isdigit() else None


def match_rows(entries, rows):
    """[(stored entry or None, row)] for the imported `rows`, each entry matched at most once.

    A row is the stored activity of the same 活动名称 and 举办时间; failing that, the one of its
    序号 if it shares the name or the time (a corrected name or date). A row with the number of a
    stored activity but neither its name nor its time is a new activity: a second table numbered
    from 1 again must not overwrite the first."""
    used, matched = set(), [None] * len(rows)
    by_key, by_position = {}, {}
    for entry in entries:
        by_key.setdefault((_same(entry.name), _same(entry.held_on_text)), []).append(entry)
        by_position.setdefault(entry.position, entry)
    for index, row in enumerate(rows):
        for entry in by_key.get((_same(row.get("name")), _same(row.get("held_on_text"))), ()):
            if entry.id not in used:
                matched[index] = entry
                used.add(entry.id)
                break
    for index, row in enumerate(rows):
        entry = by_position.get(_position(row))
        if matched[index] is None and entry is not None and entry.id not in used and (
                _same(entry.name) == _same(row.get("name"))
                or _same(entry.held_on_text) == _same(row.get("held_on_text"))):
            matched[index] = entry
            used.add(entry.id)
    return list(zip(matched, rows))


def held_on_datetime(held):
    """The stored form of a date of the log: midnight UTC of that calendar day."""
    return datetime(held.year, held.month, held.day, tzinfo=timezone.utc) if held else None


def table_title(year=None):
    """The title row as issued: "2024 年全民健身志愿服务活动统计表"."""
    return f"{year} 年{TITLE}" if year else TITLE


def export_xlsx(entries, year=None, unit_name=""):
    """The log as the statistics table is issued (seed 001): the title row with the campaign's year,
    the 单位名称（盖章） line with the reporting unit's name, the header, then the rows numbered 1..n.
    Always in Chinese: it is the form the bureau collects and stamps."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "活动统计表"
    append_row(sheet, [table_title(year)])
    append_row(sheet, [UNIT_LINE + (unit_name or "")])
    append_row(sheet, HEADERS_ZH)
    last = "ABCDEFGHI"[len(HEADERS_ZH) - 1]
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, entry in enumerate(entries, start=1):
        append_row(sheet, [number, entry.host_unit, entry.name, entry.summary,
                      MODE_LABELS_ZH.get(entry.mode, entry.mode), entry.held_on_text,
                      entry.contact_person, entry.contact_details, entry.remarks])
    for letter, width in zip("ABCDEFGHI", (6, 24, 28, 40, 12, 16, 10, 18, 20)):
        sheet.column_dimensions[letter].width = width
    # Printed as the paper form: landscape, one page wide, the header repeated on every page.
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
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
