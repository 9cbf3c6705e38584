"""The activity statistics table as seed 001 issues it: imported with its title and 单位名称 line,
re-imported corrected without duplicates, rows edited one by one, exported in the issued form."""
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewapp.audit.models import AuditEntry
from reviewapp.cases.activity_log import HEADERS_ZH, _header_key, parse_table
from reviewapp.cases.models import ActivityLogEntry
from reviewapp.extensions import db
from tests.factories import csrf_from

SEED_HEADER = ["序号", "举办单位", "活动名称", "活动简介", "举办方式 (线上、线下)", "举办时间", "联系人", "联系方式", "备注"]


def seed_rows(n=14):
    return [[i, "尧都区体育局", f"社区八段锦志愿服务第{i}场", "社会体育指导员公园教学", "线下" if i % 3 else "线上",
             f"2024年6月{i}日", "赵阳", "0357-2021234", ""] for i in range(1, n + 1)]


def seed_workbook(rows, header=None, title="2024 年全民健身志愿服务活动统计表", unit="单位名称（盖章）：尧都区体育局"):
    """The attachment of seed 001 as a city sends it: a merged title row, the 单位名称 line, the header
    with 举办方式's note in full-width brackets, then the rows."""
    header = header or [h.replace(" (线上、线下)", "（线上、线下）") for h in SEED_HEADER]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.merge_cells("A1:I1")
    sheet.append([unit])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def import_file(client, case, content, name="2024年全民健身志愿服务活动统计表.xlsx"):
    page = client.get(f"/cases/{case.id}/activities").get_data(as_text=True)
    return client.post(f"/cases/{case.id}/activities/import", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), "table": (io.BytesIO(content), name)},
                       follow_redirects=True)


def stored():
    return db.session.scalars(db.select(ActivityLogEntry).order_by(ActivityLogEntry.position)).all()


def test_the_seed_table_as_issued_imports_and_a_corrected_copy_updates_it(org_client, draft):
    response = import_file(org_client, draft, seed_workbook(seed_rows()))
    assert response.status_code == 200
    assert "14 activities added, 0 updated, 0 unchanged" in response.get_data(as_text=True)
    assert [e.name for e in stored()][:2] == ["社区八段锦志愿服务第1场", "社区八段锦志愿服务第2场"]
    assert stored()[2].mode == "online" and stored()[0].mode == "offline"

    corrected = seed_rows()
    corrected[1][7] = "13903571234"                     # a phone number corrected
    corrected[4][2] = "社区八段锦志愿服务第5场（重阳）"     # a name corrected: matched by 序号 and the date
    corrected[9][5] = "2024年7月10日"                    # a date corrected: matched by 序号 and the name
    response = import_file(org_client, draft, seed_workbook(corrected))
    assert "0 activities added, 3 updated, 11 unchanged" in response.get_data(as_text=True)
    rows = stored()
    assert len(rows) == 14
    assert rows[1].contact_details == "13903571234"
    assert rows[4].name == "社区八段锦志愿服务第5场（重阳）"
    assert rows[9].held_on_text == "2024年7月10日" and rows[9].held_on.month == 7
    audit = db.session.scalars(db.select(AuditEntry).filter_by(action="case.activities_imported")
                               .order_by(AuditEntry.id)).all()
    assert [entry.changes["updated"] for entry in audit] == [0, 3]


def test_only_the_corrected_rows_reimported_update_in_place(org_client, draft):
    import_file(org_client, draft, seed_workbook(seed_rows()))
    fix = [row for row in seed_rows() if row[0] in (3, 7, 12)]
    for row in fix:
        row[8] = "已更正"
    response = import_file(org_client, draft, seed_workbook(fix))
    assert "0 activities added, 3 updated, 0 unchanged" in response.get_data(as_text=True)
    assert len(stored()) == 14 and [e.position for e in stored() if e.remarks == "已更正"] == [3, 7, 12]


def test_a_second_table_numbered_from_one_adds_its_activities(org_client, draft):
    import_file(org_client, draft, seed_workbook(seed_rows(3)))
    other = [[i, "乡宁县体育局", f"乡村健步走第{i}期", "", "线下", f"2024年9月{i}日", "李明", "139", ""] for i in (1, 2)]
    response = import_file(org_client, draft, seed_workbook(other))
    assert "2 activities added, 0 updated, 0 unchanged" in response.get_data(as_text=True)
    assert [e.name for e in stored()] == ["社区八段锦志愿服务第1场", "社区八段锦志愿服务第2场", "社区八段锦志愿服务第3场",
                                          "乡村健步走第1期", "乡村健步走第2期"]
    assert [e.position for e in stored()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("mode_header", ["举办方式（线上、线下）", "举办方式 (线上、线下)", "举办方式(线上/线下)",
                                         "举办方式 （线上／线下）", "举办方式【线上、线下】", "举 办 方 式", "举办方式"])
def test_the_header_is_found_whatever_the_brackets_and_spaces(mode_header):
    header = ["序　号", "举办单位", "活动 名称", "活动简介", mode_header, "举办时间：", "联系人", "联系方式", "备注"]
    cells = [["2024 年全民健身志愿服务活动统计表"], ["单位名称（盖章）：", None, "尧都区体育局"], [], header,
             *seed_rows(2)]
    table = parse_table(cells)
    assert not table.errors and [row["mode"] for row in table.rows] == ["offline", "offline"]
    assert [row["position"] for row in table.rows] == ["1", "2"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=st.text(alphabet="线上下、/，,或 ", max_size=8), opening=st.sampled_from("(（【[〔"),
       spaces=st.lists(st.sampled_from([" ", "\u3000", "\t", ""]), min_size=3, max_size=3))
def test_any_bracketed_note_and_spacing_is_the_same_header(note, opening, spaces):
    closing = {"(": ")", "（": "）", "【": "】", "[": "]", "〔": "〕"}[opening]
    written = f"{spaces[0]}举办{spaces[1]}方式{spaces[2]}{opening}{note}{closing}"
    assert _header_key(written) == _header_key("举办方式")


def test_a_header_below_the_first_ten_rows_is_refused_by_name(org_client, draft):
    cells = [[f"说明第{i}行"] for i in range(1, 12)] + [HEADERS_ZH] + seed_rows(1)
    workbook = openpyxl.Workbook()
    for row in cells:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    response = import_file(org_client, draft, output.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "should be the header of the table" in page and "活动名称" in page
    assert stored() == []


def test_each_row_can_be_edited_and_saving_it_unchanged_changes_nothing(org_client, draft):
    import_file(org_client, draft, seed_workbook(seed_rows(2)))
    entry = stored()[1]
    url = f"/cases/{draft.id}/activities/{entry.id}/edit"
    assert f'href="{url}"' in org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    page = org_client.get(url).get_data(as_text=True)
    assert 'value="社区八段锦志愿服务第2场"' in page
    form = {"csrf_token": csrf_from(page), "host_unit": "尧都区体育局", "name": "社区八段锦志愿服务第2场",
            "summary": "社会体育指导员公园教学", "mode": "offline", "held_on_text": "2024年6月2日",
            "contact_person": "赵阳", "contact_details": "0357-2021234", "remarks": ""}
    assert "Nothing was changed." in org_client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(action="case.activity_edited")) == 0
    bad = org_client.post(url, data={**form, "held_on_text": "去年夏天"})
    assert bad.status_code == 422 and "去年夏天" in bad.get_data(as_text=True)
    saved = org_client.post(url, data={**form, "mode": "online", "remarks": "改为线上直播"}, follow_redirects=True)
    assert "Activity saved." in saved.get_data(as_text=True)
    db.session.expire_all()
    assert (stored()[1].mode, stored()[1].remarks, stored()[0].remarks) == ("online", "改为线上直播", "")


def test_another_organization_cannot_edit_the_row(org_client, other_org_client, draft):
    import_file(org_client, draft, seed_workbook(seed_rows(1)))
    url = f"/cases/{draft.id}/activities/{stored()[0].id}/edit"
    assert other_org_client.get(url).status_code in (403, 404)
    assert other_org_client.post(url, data={"name": "篡改"}).status_code in (400, 403, 404)
    assert stored()[0].name == "社区八段锦志愿服务第1场"


def read_back(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_export_is_the_table_as_issued_in_either_language(org_client, organization_user, draft, language):
    import_file(org_client, draft, seed_workbook(seed_rows(3)))
    organization_user.locale = language
    db.session.commit()
    page = org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    assert ("活动记录" if language == "zh" else "Activity log") in page    # the page is in that language
    sheet, rows = read_back(org_client.get(f"/cases/{draft.id}/activities.xlsx").data)
    assert rows[0][0] == f"{draft.campaign.year} 年全民健身志愿服务活动统计表"
    assert rows[1][0] == f"单位名称（盖章）：{draft.organization.name}"
    assert rows[2] == SEED_HEADER
    assert rows[3][:5] == [1, "尧都区体育局", "社区八段锦志愿服务第1场", "社会体育指导员公园教学", "线下"]
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A1:I1", "A2:I2"}
    assert sheet.print_title_rows == "$3:$3"


def test_the_export_imports_again_unchanged(org_client, draft):
    import_file(org_client, draft, seed_workbook(seed_rows(4)))
    exported = org_client.get(f"/cases/{draft.id}/activities.xlsx").data
    response = import_file(org_client, draft, exported, name="导出.xlsx")
    assert "0 activities added, 0 updated, 4 unchanged" in response.get_data(as_text=True)
    assert len(stored()) == 4


def test_the_forms_blank_numbered_rows_and_a_note_under_the_table_are_not_activities(org_client, draft):
    rows = seed_rows(3) + [[i] + [None] * 8 for i in range(4, 11)] + [["填表人：赵阳　　联系电话：0357-2021234"]]
    response = import_file(org_client, draft, seed_workbook(rows))
    assert "3 activities added, 0 updated, 0 unchanged" in response.get_data(as_text=True)
    assert len(stored()) == 3


def test_an_activity_both_online_and_offline_is_kept_as_both(org_client, draft):
    rows = seed_rows(4)
    rows[0][4], rows[1][4], rows[2][4], rows[3][4] = "线上线下", "线上、线下", "线上+线下", "线下"
    import_file(org_client, draft, seed_workbook(rows))
    assert [e.mode for e in stored()] == ["both", "both", "both", "offline"]
    assert "Online and offline" in org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    _sheet, exported = read_back(org_client.get(f"/cases/{draft.id}/activities.xlsx").data)
    assert [row[4] for row in exported[3:]] == ["线上线下", "线上线下", "线上线下", "线下"]


def test_a_date_without_its_year_is_in_the_campaigns_year(org_client, draft):
    year = draft.campaign.year
    rows = seed_rows(3)
    rows[0][5], rows[1][5], rows[2][5] = "6月15日", "6月—11月", "9.20"
    import_file(org_client, draft, seed_workbook(rows))
    assert [(e.held_on_text, e.held_on.date().isoformat()) for e in stored()] == [
        ("6月15日", f"{year}-06-15"), ("6月—11月", f"{year}-06-01"), ("9.20", f"{year}-09-20")]
    page = org_client.get(f"/cases/{draft.id}/activities").get_data(as_text=True)
    response = org_client.post(f"/cases/{draft.id}/activities", data={
        "csrf_token": csrf_from(page), "name": "国庆健步走", "mode": "offline", "held_on_text": "10月1日"})
    assert response.status_code == 302 and stored()[-1].held_on.date().isoformat() == f"{year}-10-01"
    assert parse_table([HEADERS_ZH, seed_rows(1)[0][:5] + ["6月15日"]]).errors     # without a year: refused


def test_a_submitted_case_refuses_editing_a_row(org_client, draft):
    from reviewapp.cases.workflow import CaseState
    import_file(org_client, draft, seed_workbook(seed_rows(2)))
    url = f"/cases/{draft.id}/activities/{stored()[0].id}/edit"
    page = org_client.get(url).get_data(as_text=True)
    draft.state = CaseState.SUBMITTED
    db.session.commit()
    assert "can no longer be changed" in org_client.get(url).get_data(as_text=True)
    response = org_client.post(url, data={"csrf_token": csrf_from(page), "name": "改名", "mode": "offline",
                                          "held_on_text": "2024-06-01"}, follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert stored()[0].name == "社区八段锦志愿服务第1场"
