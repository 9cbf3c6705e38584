"""Spreadsheets in and out, safely.

In: read_rows reads an uploaded .xlsx or .csv within bounds, so one small file cannot take the
server's memory: the archive's uncompressed size and ratio are checked first (ZipLimits), and the
size of its XML (SPREADSHEET_MAX_XML_MB: openpyxl loads every shared string, used or not), the
sheet is read streaming (openpyxl read-only), its declared dimensions are checked before any row,
and reading stops at the row and column limits (SPREADSHEET_MAX_ROWS, SPREADSHEET_MAX_COLUMNS).

Out: every export writes user text as text. A cell starting with = + - @ (or a tab or carriage
return, or the full-width ＝ ＋ － ＠ that East Asian Excel reads as their ASCII forms) would be
run as a formula by a spreadsheet program: append_row stores such a cell as a
string in .xlsx, csv_cell prefixes it with ' in CSV; characters a workbook cannot hold are dropped.
"""
import csv
import io
import zipfile

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .input_limits import has_control_characters

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_COLUMNS = 100
DEFAULT_MAX_XML_MB = 24


class TableRefused(Exception):
    """The file cannot be read as a table; ``message`` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---- out ---------------------------------------------------------------------------

def _clean(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(sheet, values):
    """sheet.append(values), with every text cell stored as text (never a formula)."""
    values = [_clean(value) for value in values]
    sheet.append(values)
    # openpyxl makes a formula only of text starting with "="; looking the row up costs ~1 ms, so
    # only for such a row (a department's table of 100,000 rows took minutes).
    if any(isinstance(value, str) and value.startswith("=") for value in values):
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"


def csv_cell(value):
    """A CSV cell that a spreadsheet program shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(values):
    return [csv_cell(value) for value in values]


# ---- in ----------------------------------------------------------------------------

def _limit(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def read_rows(data, extension, max_rows=None, max_columns=None):
    """Rows of cell values of the first sheet of .xlsx bytes, or of .csv bytes (UTF-8 or GB18030),
    at most `max_rows` rows of `max_columns` cells; raises TableRefused with the reason."""
    max_rows = max_rows or _limit("SPREADSHEET_MAX_ROWS", DEFAULT_MAX_ROWS)
    max_columns = max_columns or _limit("SPREADSHEET_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)
    rows = _xlsx_rows(data, max_rows, max_columns) if extension == "xlsx" else _csv_rows(data, max_rows, max_columns)
    for number, row in enumerate(rows, start=1):
        if any(isinstance(value, str) and has_control_characters(value) for value in row):
            raise TableRefused(_l("Row %(row)d contains control characters (such as NUL) that are not text; "
                                  "remove them and upload the file again.", row=number))
        yield row


def _too_big(max_rows, max_columns):
    return TableRefused(_l("The table is larger than %(rows)d rows or %(columns)d columns; delete what is not part "
                           "of the table (or split it into smaller files) and upload it again.",
                           rows=max_rows, columns=max_columns))


def _check_archive(data):
    from .cases.ooxml import ContentProblem, ZipLimits, check_zip_safety
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_safety(archive, len(data), ZipLimits.configured())
            # Declared sizes are binding (zipfile fails the CRC past them).
            xml = sum(m.file_size for m in archive.infolist() if m.filename.lower().endswith((".xml", ".rels")))
            if xml > _limit("SPREADSHEET_MAX_XML_MB", DEFAULT_MAX_XML_MB) * 1024 * 1024:
                raise ContentProblem("zip_total_size", f"{xml} bytes of XML")
    except ContentProblem as problem:
        if problem.reason.startswith("zip_") and problem.reason not in ("zip_members", "zip_total_size", "zip_ratio"):
            raise TableRefused(_l("The spreadsheet cannot be read; save it again as .xlsx.")) from problem
        raise TableRefused(_l("The spreadsheet unpacks to too much data and was refused for safety; save it again "
                              "as .xlsx with only the table in it.")) from problem
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
        raise TableRefused(_l("The spreadsheet cannot be read; save it again as .xlsx.")) from error


def _xlsx_rows(data, max_rows, max_columns):
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableRefused(_l("The spreadsheet cannot be read; save it again as .xlsx.")) from error
    try:
        if not workbook.worksheets:
            raise TableRefused(_l("The spreadsheet cannot be read; save it again as .xlsx."))
        sheet = workbook.worksheets[0]
        # The size the sheet declares (its <dimension>), before any row is read.
        if (sheet.max_row or 0) > max_rows or (sheet.max_column or 0) > max_columns:
            raise _too_big(max_rows, max_columns)
        try:
            # Past the limit, rows are only looked at (a missing row costs nothing): any value
            # there means the table is too large, not a tail to drop silently.
            for number, row in enumerate(sheet.iter_rows(max_col=max_columns, values_only=True), start=1):
                if number <= max_rows:
                    yield list(row)
                elif row.count(None) != len(row) and any(value not in (None, "") for value in row):
                    raise _too_big(max_rows, max_columns)
        except TableRefused:
            raise
        except Exception as error:  # a damaged sheet part
            raise TableRefused(_l("The spreadsheet cannot be read; save it again as .xlsx.")) from error
    finally:
        workbook.close()


def _csv_rows(data, max_rows, max_columns):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableRefused(_l("The CSV file is neither UTF-8 nor GB18030 text."))
    reader = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(reader, start=1):
            if number > max_rows or len(row) > max_columns:
                raise _too_big(max_rows, max_columns)
            yield row
    except csv.Error as error:
        raise TableRefused(_l("Row %(row)d of the CSV file cannot be read: a cell is longer than %(n)d characters "
                              "or a quotation mark is not closed.", row=reader.line_num, n=csv.field_size_limit())) \
            from error
