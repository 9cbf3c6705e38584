"""The platform filing export: documented fields under the department's column names, csv and xlsx."""
import csv
import io

from openpyxl import load_workbook

from reviewapp.extensions import db
from reviewapp.units.filing import DEFAULT_MAPPING, FIELDS, FilingColumn
from tests.factories import sign_in_as, submit_form
from tests.units.data import build_chain


def _csv(response):
    assert response.data.startswith("\ufeff".encode())  # a BOM: spreadsheet programs read the Chinese
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_a_unit_files_its_roll_up_with_the_default_columns(app):
    d = build_chain()
    client = sign_in_as(app.test_client(), d.users["county"])
    rows = _csv(client.get("/units/filing.csv"))
    assert rows[0] == ["活动名称", "主办单位", "活动日期", "活动地点", "举办方式", "参与人数", "联系人", "联系电话", "活动简介"]
    assert rows[1:] == [["尧都八段锦", "社区健身站", "2026-06-01", "山西", "线下", "500", "王丽", "13800138000", "健身指导"],
                        ["尧都线上健步走", "尧都区教育体育局所属协会", "2026-06-02", "山西", "线上", "500", "王丽",
                         "13800138000", "健身指导"]]
    sheet = load_workbook(io.BytesIO(client.get("/units/filing.xlsx").data)).worksheets[0]
    assert [c.value for c in sheet[1]] == [heading for heading, _field in DEFAULT_MAPPING]
    assert sheet.max_row == 3


def test_the_department_maps_the_columns_and_bad_lines_are_refused(app, login_as):
    d = build_chain()
    client, _admin = login_as("admin")
    page = client.get("/units/filing-columns").get_data(as_text=True)
    assert "活动名称 = activity_name" in page and all(f"<code>{name}</code>" in page for name in FIELDS)
    refused = submit_form(client, "/units/filing-columns", {"mapping": "赛事名称 = activity_name\n地点 = venue\n"
                                                            "赛事名称 = organizer\n=HYPERLINK = mode"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Line 2: venue is not one of the fields listed." in html
    assert "Line 3: the column 赛事名称 is named twice." in html
    assert "Line 4: a column name cannot start with = + - or @." in html
    assert db.session.scalar(db.select(db.func.count(FilingColumn.id))) == 0

    saved = submit_form(client, "/units/filing-columns",
                        {"mapping": "赛事名称 = activity_name\n举办地区 = region\n所属单位 = reporting_unit\n"
                                    "服务场所 = service_places\n开始时间 = time_as_written"})
    assert saved.status_code == 302
    rows = _csv(client.get(f"/units/campaigns/{d.campaign.id}/filing.csv?unit={d.city.id}"))
    assert rows[0] == ["赛事名称", "举办地区", "所属单位", "服务场所", "开始时间"]
    assert ["临汾健身气功展示", "山西", "临汾市体育局", "社区（农村）、广场（公园）", "2026年6月1日"] in rows
    assert len(rows) == 1 + 4
    every = _csv(client.get(f"/units/campaigns/{d.campaign.id}/filing.csv"))
    assert len(every) == 1 + 6
    # The unit's download follows the same mapping.
    unit_rows = _csv(sign_in_as(app.test_client(), d.users["sibling"]).get("/units/filing.csv"))
    assert unit_rows == [["赛事名称", "举办地区", "所属单位", "服务场所", "开始时间"],
                         ["曲沃太极拳", "山西", "曲沃县教育体育局", "社区（农村）、广场（公园）", "2026年6月1日"]]
