"""Import a list of experts from .xlsx or .csv: all rows or none.

The first row names the columns, in English or Chinese (any order):
name 姓名, email 邮箱, province 省份, affiliation 单位, themes 专长主题
(separated by ; or 、), max_load 最大评审量, available 可参与 (yes/no, 是/否).
Errors name the row as the spreadsheet numbers it (the header is row 1).
"""
import re

from flask_babel import lazy_gettext as _l

from ..auth.models import Role
from ..auth.operations import find_user
from ..extensions import db
from ..input_limits import column_lengths
from ..organizations.reference import PROVINCES
from ..spreadsheets import TableRefused, read_rows
from .models import ExpertProfile
from .operations import add_expert

COLUMNS = {
    "name": "name", "姓名": "name", "email": "email", "e-mail": "email", "邮箱": "email",
    "province": "province", "省份": "province", "affiliation": "affiliation", "单位": "affiliation",
    "themes": "themes", "专长主题": "themes", "max_load": "max_load", "最大评审量": "max_load",
    "available": "available", "可参与": "available",
}
REQUIRED = ("name", "email")
DEFAULT_MAX_LOAD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YES, _NO = {"", "yes", "y", "true", "1", "是"}, {"no", "n", "false", "0", "否"}
_LABELS = {"name": _l("the name"), "email": _l("the e-mail address"), "affiliation": _l("the affiliation"),
           "province": _l("the province")}
_PROVINCE_CODES = {name.lower(): code for code, zh, en in PROVINCES for name in (code, zh, en)}


class ImportRefused(Exception):
    """Nothing was imported; `errors` lists every problem found."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def read_table(filename, data):
    """The sheet as a list of rows of strings (the header included), read within the spreadsheet
    limits (reviewapp/spreadsheets.py)."""
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise ImportRefused([_l("Upload an .xlsx or .csv file.")])
    if name.endswith(".csv"):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([_l("Save the .csv file as UTF-8 and try again.")])
    try:
        return [["" if v is None else str(v).strip() for v in row]
                for row in read_rows(data, "xlsx" if name.endswith(".xlsx") else "csv")]
    except TableRefused as refused:
        raise ImportRefused([refused.message]) from refused


def _province(value):
    if not value:
        return None, None
    code = _PROVINCE_CODES.get(value.strip().lower())
    return code, None if code else _l("unknown province “%(value)s”", value=value)


def _row_values(cells, line, seen):
    values, problems = dict(cells), []
    email = values.get("email", "").lower()
    if not values.get("name"):
        problems.append(_l("the name is missing"))
    if not _EMAIL.match(email):
        problems.append(_l("“%(value)s” is not an e-mail address", value=values.get("email", "")))
    elif email in seen:
        problems.append(_l("the e-mail also appears on row %(row)d", row=seen[email]))
    elif db.session.scalar(db.select(ExpertProfile.id).filter_by(email=email)):
        problems.append(_l("an expert with this e-mail is already in the pool"))
    elif getattr(find_user(email), "role", Role.EXPERT) is not Role.EXPERT:
        problems.append(_l("this e-mail belongs to an account that is not an expert's"))
    seen.setdefault(email, line)
    for key, longest in column_lengths(ExpertProfile).items():
        if len(values.get(key) or "") > longest:
            problems.append(_l("%(what)s has more than %(max)d characters", what=_LABELS.get(key, key), max=longest))
    province, problem = _province(values.get("province", ""))
    if problem:
        problems.append(problem)
    load_text = values.get("max_load", "")
    max_load = int(load_text) if re.fullmatch(r"\d{1,3}", load_text or "") else None
    if load_text and (max_load is None or max_load < 1):
        problems.append(_l("the maximum load must be a whole number from 1 to 999"))
    available = values.get("available", "").lower()
    if available not in _YES | _NO:
        problems.append(_l("“available” must be yes or no"))
    themes = [t.strip() for t in re.split(r"[;；、,，]", values.get("themes", "")) if t.strip()]
    result = dict(name=values.get("name", ""), email=email, province=province,
                  affiliation=values.get("affiliation", ""), themes=themes,
                  max_load=max_load or DEFAULT_MAX_LOAD, available=available in _YES)
    return result, problems


def parse(table):
    """(list of profile values, list of error messages) for a read table."""
    if not table or not any(table[0]):
        return [], [_l("The file is empty.")]
    header = [COLUMNS.get(h.strip().lower()) for h in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [_l("The first row must name the columns; missing: %(columns)s.",
                       columns=", ".join(missing))]
    rows, errors, seen = [], [], {}
    for line, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        cells = [(key, value) for key, value in zip(header, row) if key]
        values, problems = _row_values(cells, line, seen)
        if problems:
            errors.append(_l("Row %(row)d: %(problems)s.", row=line,
                             problems="; ".join(str(p) for p in problems)))
        rows.append(values)
    if not rows and not errors:
        errors.append(_l("The file has no expert rows."))
    return rows, errors


def import_experts(actor, filename, data):
    """Add every expert of the file, or none: raises ImportRefused listing each bad row."""
    rows, errors = parse(read_table(filename, data))
    if errors:
        raise ImportRefused(errors)
    return [add_expert(actor, values) for values in rows]
