"""No single upload can exhaust the server: spreadsheets are read within bounds, archives may not
inflate past theirs. The spreadsheet bomb runs in a child process with its address space capped
at 1.5 GB, timed, so a regression fails the test instead of taking the machine."""
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from reviewapp.cases.ooxml import ZipLimits
from reviewapp.cases.uploads import UploadRefused, verify_upload

ROOT = Path(__file__).resolve().parents[2]
CAP = 1536 * 1024 * 1024
CHILD = r"""
import json, resource, sys, time
from reviewapp import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=sys.argv[2])
from reviewapp.cases.activity_log import ImportRefused, parse_table, read_table
from reviewapp.experts.importer import ImportRefused as ExpertsRefused, read_table as read_experts
data = open(sys.argv[1], "rb").read()
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
results = {}
with app.test_request_context(headers={"Accept-Language": "zh"}):
    for name, read in (("activities", lambda: parse_table(read_table(data, "xlsx"))),
                       ("experts", lambda: read_experts("experts.xlsx", data))):
        started = time.monotonic()
        try:
            read()
            message = None
        except ImportRefused as refused:
            message = str(refused.message)
        except ExpertsRefused as refused:
            message = "; ".join(str(e) for e in refused.errors)
        results[name] = {"seconds": time.monotonic() - started, "message": message,
                         "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
print(json.dumps(results))
"""


def spreadsheet_bomb(declared=True):
    """A few KB of .xlsx: a header and one cell at XFD1048576, the sheet's last cell, with its
    <dimension> (A1:XFD1048576); or without one and the cell at C1048576 (in the table's columns),
    so that only reading finds the size."""
    book = Workbook()
    sheet = book.active
    sheet.append(["活动名称", "举办方式", "举办时间"])
    sheet["XFD1048576" if declared else "C1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    if declared:
        return out.getvalue()
    source, stripped = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            archive.writestr(member.filename, data)
    return stripped.getvalue()


def shared_strings_bomb(count=1_800_000):
    """Under 5 MB of .xlsx (the import's upload limit) whose sheet is only a header and whose
    shared-string table, loaded whole by openpyxl before any row, unpacks to ~40 MB (8 times)."""
    book = Workbook()
    book.active.append(["活动名称", "举办方式", "举办时间"])
    out = io.BytesIO()
    book.save(out)
    strings = "".join(f"<si><t>{n}</t></si>" for n in range(count))
    source, bomb = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type='
                                    b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                    b'sharedStrings"/></Relationships>')
            elif member.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            archive.writestr(member.filename, data)
        archive.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         f'main" count="{count}" uniqueCount="{count}">{strings}</sst>')
    return bomb.getvalue()


BOMBS = {"declared": (lambda: spreadsheet_bomb(True), 10_000, "行"),
         "undeclared": (lambda: spreadsheet_bomb(False), 10_000, "行"),
         "shared strings": (shared_strings_bomb, 5 * 1024 * 1024, "解压后数据量过大")}


@pytest.mark.parametrize("kind", BOMBS)
def test_the_spreadsheet_bomb_is_refused_in_seconds_under_a_memory_cap(tmp_path, kind):
    build, most_bytes, expected = BOMBS[kind]
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(build())
    assert bomb.stat().st_size < most_bytes
    done = subprocess.run([sys.executable, "-c", CHILD, str(bomb), str(tmp_path), str(CAP)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for name, result in results.items():
        assert result["message"], f"{name}: the bomb was read"
        assert expected in result["message"] and "1048576" not in result["message"], result["message"]
        assert result["seconds"] < 5, f"{name}: {result['seconds']:.1f} s"


def test_a_sheet_whose_rows_pass_the_limit_is_refused_and_one_within_it_is_read(app):
    from reviewapp.spreadsheets import TableRefused, read_rows

    book = Workbook()
    for number in range(30):
        book.active.append([f"第{number}行", "线下"])
    out = io.BytesIO()
    book.save(out)
    assert len(list(read_rows(out.getvalue(), "xlsx", max_rows=30, max_columns=5))) == 30
    with pytest.raises(TableRefused):
        list(read_rows(out.getvalue(), "xlsx", max_rows=29, max_columns=5))
    with pytest.raises(TableRefused):
        list(read_rows(("a," * 10 + "\n").encode(), "csv", max_rows=29, max_columns=5))


@pytest.mark.parametrize("content, expected", [
    ("活动名称,举办方式,举办时间\n" + "长" * 140_000 + ",线下,2024-06-15\n", "131072"),
    ("活动名称,举办方式,举办时间\n晨\x00练,线下,2024-06-15\n", "控制字符"),
])
def test_a_csv_cell_too_long_or_with_a_nul_is_refused_with_the_reason(app, content, expected):
    from reviewapp.cases.activity_log import ImportRefused, parse_table, read_table

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        with pytest.raises(ImportRefused) as refused:
            parse_table(read_table(content.encode(), "csv"))
        assert expected in str(refused.value.message)


def _docx(members):
    from tests.cases.test_uploads import package_bytes
    return package_bytes(extra_members=members)


def test_an_office_file_that_inflates_hundreds_of_times_is_refused(app):
    # The example in small: members under the per-member check, the package ~1000 times its size.
    members = [(f"word/media/part{n}.xml", "<a>" + "0" * 900_000 + "</a>") for n in range(12)]
    data = _docx(members)
    assert len(data) < 200_000
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        with pytest.raises(UploadRefused) as refused:
            verify_upload(data, "case.docx")
        assert refused.value.reason == "zip_ratio"
        assert "安全" in str(refused.value.message)


def test_the_archive_limits_are_settings(app):
    members = [(f"word/media/noise{n}.bin", os.urandom(300_000)) for n in range(4)]  # does not compress
    data = _docx(members)
    app.config["ARCHIVE_MAX_UNCOMPRESSED_MB"] = 1
    with pytest.raises(UploadRefused) as refused:
        verify_upload(data, "case.docx")
    assert refused.value.reason == "zip_total_size"
    app.config["ARCHIVE_MAX_UNCOMPRESSED_MB"] = 100
    app.config["ARCHIVE_MAX_RATIO"] = 10_000
    assert verify_upload(data, "case.docx").extension == "docx"
    assert ZipLimits.configured().max_compression_ratio == 10_000
