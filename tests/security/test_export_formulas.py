"""No export runs code: user text that starts like a formula (= + - @, a tab, a carriage return,
their full-width forms ＝ ＋ － ＠) is written as text in every spreadsheet and CSV the app serves (reviewapp/spreadsheets.py).

The exports are found, not listed: every GET route of the URL map is opened by each role that
may reach it, in a world whose user text (titles, names, activities, comments, reasons) starts
with a formula; each answer that is an .xlsx or a CSV is read back: no cell of an .xlsx is a
formula, and each CSV cell that starts like one starts with '.
"""
import csv
import io

from openpyxl import load_workbook

from reviewapp.access import declared_access
from reviewapp.extensions import db
from tests.foundation.resave_world import build_resave_world, url_variants
from tests.security import world as security
from tests.security.test_fuzz_hostile_input import PRINCIPAL_OF, _principals

# Listed here, not taken from the app: a start the app forgets must fail this test.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
FORMULA = '=HYPERLINK("http://evil.example","点击")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The text people write, by model: what an export may carry.
POISONED = {
    "reviewapp.cases.models:Case": ("title",),
    "reviewapp.cases.models:ActivityLogEntry": ("host_unit", "name", "summary", "contact_person", "contact_details",
                                                "remarks"),
    "reviewapp.organizations.models:Organization": ("name",),
    "reviewapp.experts.models:ExpertProfile": ("name", "affiliation"),
    "reviewapp.units.models:RecommendingUnit": ("name_zh", "name_en"),
    "reviewapp.campaigns.models:Campaign": ("title_zh", "title_en"),
    "reviewapp.campaigns.models:Theme": ("name_zh", "name_en"),
    "reviewapp.review.models:Review": ("overall_comment",),
}


def _poison(world):
    import importlib

    from reviewapp.audit import record

    for path, attributes in POISONED.items():
        module, name = path.split(":")
        model = getattr(importlib.import_module(module), name)
        for number, row in enumerate(db.session.scalars(db.select(model))):
            for attribute in attributes:
                prefix = FORMULA_PREFIXES[number % len(FORMULA_PREFIXES)]
                setattr(row, attribute, (FORMULA if prefix == "=" else prefix + "1+1 " + FORMULA)[:100])
    record(world.users["admin"], "campaign.updated", world.campaign, reason=FORMULA)
    for prefix in FORMULA_PREFIXES:  # every start reaches a CSV cell, whatever the row counts
        record(world.users["admin"], "campaign.updated", world.campaign, reason=prefix + "SUM(A1)")
    db.session.commit()


def _exports(app, world):
    clients = {p: security.client_for(app, world, p) for p in ("anonymous", *PRINCIPAL_OF.values())}
    for rule in security.probed_rules(app):
        access = declared_access(rule.endpoint, app)
        if "GET" not in rule.methods or access is None:
            continue
        for values in url_variants(world, rule):
            path = security.build_path(app, rule, values)
            for principal in _principals(access):
                response = clients[principal].get(path)
                kind = response.content_type.split(";")[0]
                if response.status_code == 200 and kind in (XLSX, "text/csv"):
                    yield rule.endpoint, principal, path, kind, response.get_data()


def _xlsx_problems(data):
    problems, text_cells = [], 0
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    text_cells += 1
    return problems, text_cells


def _csv_problems(data):
    problems, text_cells = [], 0
    for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"))), start=1):
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                problems.append(f"row {number}: {cell!r} would run as a formula")
            elif cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
                text_cells += 1
    return problems, text_cells


def test_no_export_writes_user_text_as_a_live_formula(app):
    world = build_resave_world(app)
    _poison(world)
    failures, carried = [], {}
    for endpoint, principal, path, kind, data in _exports(app, world):
        problems, text_cells = (_xlsx_problems if kind == XLSX else _csv_problems)(data)
        failures += [f"{principal} {path} ({endpoint}): {p}" for p in problems]
        carried[endpoint] = carried.get(endpoint, 0) + text_cells
    assert not failures, "\n".join(failures)
    # Not vacuous: the exports were found and carried the formula-like text, as text.
    assert {"ops.audit_export", "cases.export_activities", "reports.activities_export", "reports.statistics_export",
            "recommendation.units_xlsx", "recommendation.export", "results.export"} <= carried.keys(), sorted(carried)
    assert sum(1 for count in carried.values() if count) >= 4, carried


def test_formula_text_is_kept_as_written(app):
    from openpyxl import Workbook

    from reviewapp.spreadsheets import append_row, csv_cell

    book = Workbook()
    append_row(book.active, [FORMULA, "-5", "正常文字", 12, "\x00控制\x1b字符"])
    out = io.BytesIO()
    book.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in cells] == [FORMULA, "-5", "正常文字", 12, "控制字符"]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n", "s"]
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("\t=1") == "'\t=1" and csv_cell("普通") == "普通"
    assert csv_cell("＝1+1") == "'＝1+1" and csv_cell("－2") == "'－2"
