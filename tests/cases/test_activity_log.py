"""The activity log: import the city statistics table, refuse bad rows whole, export it back, count by month."""
import io
from datetime import date

import openpyxl

from reviewapp.cases.activity_log import (
    HEADERS_ZH,
    bar_chart,
    monthly_counts,
    parse_table,
)
from reviewapp.cases.models import ActivityLogEntry
from reviewapp.extensions import db
from tests.factories import csrf_from


def workbook_bytes(rows, headers=HEADERS_ZH):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def good_rows(n):
    return [(i, "朝阳区体育局", f"第{i}次八段锦教学", "公园晨练点教学", "线下", f"2025年{i}月{i}日", "王丽",
             "13800138000", "") for i in range(1, n + 1)]


def import_file(client, case, content, name="统计表.xlsx"):
    page = client.get(f"/cases/{case.id}/activities").get_data(as_text=True)
    return client.post(f"/cases/{case.id}/activities/import", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "table": (io.BytesIO(content), name)})


def count_rows():
    return db.session.scalar(db.select(db.func.count(ActivityLogEntry.id)))


def test_a_good_workbook_imports_every_row(org_client, draft):
    response = import_file(org_client, draft, workbook_bytes(good_rows(7)))
    assert response.status_code == 302
    entries = db.session.scalars(db.select(ActivityLogEntry).order_by(ActivityLogEntry.position)).all()
    assert len(entries) == 7
    assert (entries[2].name, entries[2].mode, entries[2].held_on_text) == ("第3次八段锦教学", "offline", "2025年3月3日")
    assert entries[2].held_on.date() == date(2025, 3, 3)


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(org_client, draft):
    rows = good_rows(4)
    rows[1] = (2, "朝阳区体育局", "", "缺少名称", "线下", "2025-02-02", "", "", "")
    rows[3] = (4, "朝阳区体育局", "夜跑", "", "空中", "去年夏天", "", "", "")
    response = import_file(org_client, draft, workbook_bytes(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in page
    assert "Row 3, column “活动名称”" in page
    assert "Row 5, column “举办方式 (线上、线下)”" in page and "Row 5, column “举办时间”" in page
    assert count_rows() == 0


def test_english_headers_and_csv_are_accepted(org_client, draft):
    csv_text = "No.,Host unit,Activity name,Summary,Online/offline,Time,Contact person,Contact details,Remarks\n" \
               "1,Riverside Club,Sunday run,5 km,offline,2025-06-01,Liang,139,\n" \
               "2,Riverside Club,Online stretching,,online,2025/6/8,Liang,139,live\n"
    response = import_file(org_client, draft, csv_text.encode("utf-8"), name="log.csv")
    assert response.status_code == 302 and count_rows() == 2


def test_a_file_without_the_table_header_is_refused(org_client, draft):
    response = import_file(org_client, draft, workbook_bytes([("a", "b")], headers=["名字", "日期"]))
    assert response.status_code == 422 and "columns are missing" in response.get_data(as_text=True)
    assert count_rows() == 0


def test_rows_added_in_the_form_and_exported_with_the_chinese_headers(org_client, draft):
    page = org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    response = org_client.post(f"/cases/{draft.id}/activities", data={
        "csrf_token": csrf_from(page), "host_unit": "朝阳区体育局", "name": "社区健步走", "summary": "",
        "mode": "online", "held_on_text": "2025-05-20", "contact_person": "王丽",
        "contact_details": "13800138000", "remarks": "线上直播"})
    assert response.status_code == 302
    bad = org_client.post(f"/cases/{draft.id}/activities", data={
        "csrf_token": csrf_from(page), "name": "没有日期", "mode": "offline", "held_on_text": "某天"})
    assert bad.status_code == 422 and "没有日期" in bad.get_data(as_text=True)
    export = org_client.get(f"/cases/{draft.id}/activities.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))[2:]     # below the title and the 单位名称 line
    assert list(rows[0]) == ["序号", "举办单位", "活动名称", "活动简介", "举办方式 (线上、线下)", "举办时间", "联系人",
                             "联系方式", "备注"]
    assert list(rows[1]) == [1, "朝阳区体育局", "社区健步走", None, "线上", "2025-05-20", "王丽", "13800138000", "线上直播"]


def test_export_imports_again_unchanged(org_client, draft):
    import_file(org_client, draft, workbook_bytes(good_rows(3)))
    exported = org_client.get(f"/cases/{draft.id}/activities.xlsx").data
    table = parse_table(list(openpyxl.load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True)))
    assert not table.errors and [row["name"] for row in table.rows] == ["第1次八段锦教学", "第2次八段锦教学", "第3次八段锦教学"]


def test_monthly_counts_cover_the_last_twelve_months():
    today = date(2026, 3, 15)
    dates = [date(2026, 3, 1), date(2026, 3, 9), date(2025, 4, 30), date(2025, 3, 31), date(2026, 4, 1), None]
    counts = monthly_counts(dates, today)
    assert counts[0] == (2025, 4, 1) and counts[-1] == (2026, 3, 2) and len(counts) == 12
    assert sum(c for _y, _m, c in counts) == 3
    chart = bar_chart(counts)
    assert chart["active_months"] == 2 and max(b.height for b in chart["bars"]) > 0


def test_the_page_draws_the_chart_as_svg(org_client, draft):
    import_file(org_client, draft, workbook_bytes(good_rows(2)))
    page = org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    assert "<svg" in page and 'class="bar"' in page and "style=" not in page
