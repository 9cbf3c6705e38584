"""Campaign statistics against hand-counted fixtures, SVG charts, and the two spreadsheets."""
import io

from openpyxl import load_workbook

from reviewapp.reports.statistics import campaign_statistics
from tests.factories import sign_in_as
from tests.publishing.data import announce, make_publishing_campaign

LOG_HEADERS = ["序号", "举办单位", "活动名称", "活动简介", "举办方式 (线上、线下)", "举办时间", "联系人", "联系方式", "备注"]


def table(statistics, dimension):
    rows = next(rows for name, _label, rows in statistics["tables"] if name == dimension)
    return {row.label: [row.counts[s] for s in ("submitted", "recommended", "reviewed", "selected")]
            for row in rows}


def test_counts_match_the_hand_counted_fixture(app):
    # selected_zh (Beijing), selected_en (Shanghai), not_selected + submitted (Zhejiang), a draft (Beijing)
    data = make_publishing_campaign()
    for stage in ("before", "after"):
        statistics = campaign_statistics(data.campaign)
        assert statistics["totals"] == {"submitted": 4, "recommended": 3, "reviewed": 3, "selected": 2}, stage
        assert table(statistics, "province") == {"Beijing": [1, 1, 1, 1], "Shanghai": [1, 1, 1, 1],
                                                 "Zhejiang": [2, 1, 1, 0]}
        assert table(statistics, "theme") == {"Sports and medicine": [3, 2, 2, 1], "Elderly care": [2, 2, 2, 2]}
        assert table(statistics, "unit") == {"Direct submission": [4, 3, 3, 2]}
        assert table(statistics, "org_type") == {"Individual sports association": [1, 1, 1, 1],
                                                 "Volunteer association or volunteer service federation": [1, 1, 1, 1],
                                                 "School volunteer group": [2, 1, 1, 0]}
        if stage == "before":
            from tests.factories import make_user
            announce(data, make_user("admin"))


def test_report_page_draws_svg_charts_and_exports_xlsx(app, login_as):
    data = make_publishing_campaign()
    client, _admin = login_as("admin")
    page = client.get(f"/reports/campaigns/{data.campaign.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 4 and "<script" not in html.split("<main", 1)[1].split("</main>")[0]  # charts need no script
    export = client.get(f"/reports/campaigns/{data.campaign.id}/statistics.xlsx")
    workbook = load_workbook(io.BytesIO(export.data))
    assert [cell.value for cell in workbook.worksheets[0][1]][1:] == ["Submitted", "Recommended", "Reviewed",
                                                                      "Selected"]
    assert [cell.value for cell in workbook.worksheets[0][2]][1:] == [4, 3, 3, 2]
    province = workbook["Province"]
    assert [[c.value for c in row] for row in province.iter_rows(min_row=2)] == [
        ["Beijing", 1, 1, 1, 1], ["Shanghai", 1, 1, 1, 1], ["Zhejiang", 2, 1, 1, 0]]


def test_activity_log_table_has_the_exact_city_columns(app, login_as):
    data = make_publishing_campaign()
    client, _admin = login_as("admin")
    response = client.get(f"/reports/campaigns/{data.campaign.id}/activities.xlsx?cases=selected")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # As seed 001 issues it: the title with the campaign's year, the 单位名称 line, the header.
    assert rows[0][0] == f"{data.campaign.year} 年全民健身志愿服务活动统计表"
    assert rows[1][0] == "单位名称（盖章）："
    assert rows[2] == LOG_HEADERS
    rows = rows[2:]
    assert [row[0] for row in rows[1:]] == [1, 2]
    assert {row[1] for row in rows[1:]} == {data.beijing.organization.name, data.shanghai.organization.name}
    assert {row[2] for row in rows[1:]} == {f"{data.selected_zh.title}·八段锦教学",
                                            f"{data.selected_en.title}·八段锦教学"}
    assert rows[1][4] == "线下" and rows[1][5] == "2026年3月5日"
    zhejiang = client.get(f"/reports/campaigns/{data.campaign.id}/activities.xlsx?cases=submitted&province=zhejiang")
    assert len(list(load_workbook(io.BytesIO(zhejiang.data)).worksheets[0].iter_rows())) == 3 + 2


def test_admin_only_pages_refuse_other_roles(app, login_as):
    data = make_publishing_campaign()
    organization = sign_in_as(app.test_client(), data.beijing)
    expert, _user = login_as("expert")
    for client in (organization, expert):
        for path in (f"/reports/campaigns/{data.campaign.id}", f"/reports/campaigns/{data.campaign.id}/statistics.xlsx",
                     f"/reports/campaigns/{data.campaign.id}/activities.xlsx", "/publishing/",
                     f"/publishing/campaigns/{data.campaign.id}"):
            assert client.get(path).status_code == 403, path
        assert client.post(f"/publishing/campaigns/{data.campaign.id}/announce").status_code in (400, 403)
